namespace Switchboard.Persistence;

/// <summary>How a transactional endpoint runs its unit of work.</summary>
public sealed record TransactionalOptions
{
    /// <summary>Record handled message ids and acknowledge redelivered ones without running the handlers again.</summary>
    public bool Inbox { get; init; } = true;

    /// <summary>How many times a message whose unit of work lost an optimistic-concurrency race is run again at once, with fresh state.</summary>
    public int MaxConflictRetries { get; init; } = 100;
}
