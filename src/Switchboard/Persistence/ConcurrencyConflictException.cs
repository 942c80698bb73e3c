namespace Switchboard.Persistence;

/// <summary>
/// Another unit of work changed the same record first (optimistic concurrency). The transaction step retries the
/// message at once with fresh state; it never counts against the endpoint's retry budget.
/// </summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
