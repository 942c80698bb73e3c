namespace Switchboard;

/// <summary>
/// A server that this needs (the broker, the database) cannot be reached now: it is down, restarting or out of
/// reach. Trying again later may succeed, so an HTTP API answers it with 503 Service Unavailable, and the bus's
/// start keeps trying in the background instead of failing the host.
/// </summary>
public class UnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnavailableException()
    {
    }

    /// <summary>Creates the exception with a message saying what cannot be reached, and why.</summary>
    public UnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that shows the server cannot be reached.</summary>
    public UnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
