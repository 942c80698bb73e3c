namespace Switchboard.Persistence;

/// <summary>The database of a store (message store, event store) cannot be reached now; trying again later may succeed.</summary>
public class StoreUnavailableException : UnavailableException
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message saying what cannot be reached, and why.</summary>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that shows the database cannot be reached.</summary>
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
