namespace Switchboard.Persistence;

/// <summary>How a transactional endpoint runs its unit of work.</summary>
public sealed record TransactionalOptions
{
    /// <summary>Record handled message ids and acknowledge redelivered ones without running the handlers again.</summary>
    public bool Inbox { get; init; } = true;

    /// <summary>How many times a message whose unit of work lost an optimistic-concurrency race is run again at once, with fresh state.</summary>
    public int MaxConflictRetries { get; init; } = 100;

    /// <summary>
    /// How many messages whose handlers have returned may be committing at once, on top of the endpoint's
    /// concurrency. Handlers still run at most <see cref="Configuration.EndpointOptions.Concurrency"/> at a time, but
    /// a handler slot is free again as soon as its handlers return, while the commit, the dispatch and the
    /// acknowledgement finish; so units of work share group commits instead of waiting for one each. 0 makes every
    /// message hold its slot until it is settled. Default 64.
    /// </summary>
    public int PendingCommits { get; init; } = 64;
}
