namespace Switchboard.Serialization;

/// <summary>A body that can never be handled: malformed, too deeply nested, too large, or of an unknown type.</summary>
public sealed class MessageBodyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MessageBodyException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
