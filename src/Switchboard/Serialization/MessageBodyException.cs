namespace Switchboard.Serialization;

/// <summary>A body that can never be handled: malformed, too deeply nested, too large, of an unknown type, or not satisfying its type's contract.</summary>
public sealed class MessageBodyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MessageBodyException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
