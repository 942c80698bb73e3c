namespace Switchboard.Persistence;

/// <summary>
/// Where endpoints keep what must commit together with a handler's own state: the inbox (which messages an
/// endpoint has handled), the outbox (messages waiting to be dispatched) and saga instances. Providers: in-memory
/// (tests), SQLite, PostgreSQL. Every provider passes the store conformance suites in <c>Switchboard.Conformance</c>.
/// Disposing one twice is harmless: the container disposes a store once per contract it was resolved as
/// (<see cref="IMessageStore"/>, <see cref="ISqlMessageStore"/>).
/// </summary>
public interface IMessageStore : IAsyncDisposable
{
    /// <summary>A short name for logs and diagnostics (<c>in-memory</c>, <c>sqlite</c>, <c>postgresql</c>).</summary>
    string Name { get; }

    /// <summary>Creates or upgrades the schema; idempotent. Called once before the bus starts consuming.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Begins the unit of work of one handling attempt. Its database transaction opens lazily, on first use.</summary>
    ValueTask<IStoreTransaction> BeginAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="endpoint"/> has committed the handling of <paramref name="messageId"/> (outside any transaction: a cheap early check).</summary>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is null, empty or white space: the inbox never deduplicates a message without an id.</exception>
    ValueTask<bool> WasHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default);

    /// <summary>Forgets inbox records older than <paramref name="before"/>; returns how many.</summary>
    ValueTask<int> PurgeInboxAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <paramref name="exception"/> means the unit of work lost a race and may simply run again (the
    /// transaction step then reruns it at once, outside the retry budget): <see cref="ConcurrencyConflictException"/>,
    /// and a store's own equivalents raised by handlers' SQL (PostgreSQL: serialization failures and deadlocks).
    /// </summary>
    bool IsConcurrencyConflict(Exception exception) => exception is ConcurrencyConflictException;

    /// <summary>The outbox, for the relay and for operators.</summary>
    IOutboxStore Outbox { get; }
}
