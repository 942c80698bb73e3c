namespace Switchboard.Persistence;

/// <summary>
/// Another unit of work changed the same record first (optimistic concurrency). The transaction step retries the
/// message at once with fresh state; it never counts against the endpoint's retry budget.
/// </summary>
public class ConcurrencyConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a database error that means the same (a deadlock, a serialization failure).</summary>
    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
