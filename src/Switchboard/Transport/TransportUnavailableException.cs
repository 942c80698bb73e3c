namespace Switchboard.Transport;

/// <summary>
/// The broker cannot be reached: the bus has not connected yet (a send or publish while it keeps trying fails fast
/// with this), or a transport found the broker down while connecting.
/// </summary>
public class TransportUnavailableException : UnavailableException
{
    /// <summary>Creates the exception.</summary>
    public TransportUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message saying what cannot be reached, and why.</summary>
    public TransportUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that shows the broker cannot be reached.</summary>
    public TransportUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
