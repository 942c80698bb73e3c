namespace Switchboard.Transport;

/// <summary>Thrown to a sender when a command's destination queue does not exist.</summary>
public sealed class UnroutableMessageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnroutableMessageException(string message) : base(message)
    {
    }
}
