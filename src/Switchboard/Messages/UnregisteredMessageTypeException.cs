namespace Switchboard.Messages;

/// <summary>Thrown when a message of a CLR type without a registered name is sent or published.</summary>
public sealed class UnregisteredMessageTypeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public UnregisteredMessageTypeException(string message) : base(message)
    {
    }
}
