namespace Switchboard.EventSourcing;

/// <summary>
/// Streams of immutable events with one global order over all of them, subscription checkpoints and aggregate
/// snapshots. Providers: in-memory (tests), SQLite, PostgreSQL; every provider passes the event store conformance
/// suite in <c>Switchboard.Testing</c>. Instances are thread-safe and meant to be singletons.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>A short name for logs and diagnostics (<c>in-memory</c>, <c>sqlite</c>, <c>postgresql</c>).</summary>
    string Name { get; }

    /// <summary>Creates or upgrades the schema; idempotent and safe when several processes start at once.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="events"/> to the end of <paramref name="streamId"/>, atomically: all of them or none.
    /// Throws <see cref="WrongExpectedVersionException"/> when the stream is not as <paramref name="expectedVersion"/>
    /// says. When every event id of the batch is already in the stream, consecutively and in the same order (a retry of
    /// an earlier append, or of part of one: stores do not keep batch boundaries), nothing is written and the earlier result comes back with <see cref="AppendResult.AlreadyAppended"/> (whatever
    /// the expected version); any other reuse of an event id throws <see cref="DuplicateEventIdException"/>.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events of one stream. Forwards: versions from
    /// <paramref name="fromVersion"/> upwards (1 is the first event). Backwards: versions from
    /// <paramref name="fromVersion"/> downwards (<see cref="long.MaxValue"/> is the last event). Empty when the
    /// stream does not exist or has nothing there.
    /// </summary>
    ValueTask<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>The stream's version: its number of events, 0 when it does not exist.</summary>
    ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events that pass <paramref name="filter"/>, after global position
    /// <paramref name="afterPosition"/> (0: from the start), in global order. Never returns an event while an event
    /// before it in the global order may still commit: a reader that continues from <see cref="EventPage.NextPosition"/>
    /// sees every committed event exactly once, also when concurrent appends commit out of order.
    /// </summary>
    ValueTask<EventPage> ReadAllAsync(long afterPosition, int maxCount, EventFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The end of what can be read now: the <see cref="EventPage.NextPosition"/> of a read that reaches the end. Every
    /// readable event is at or before it, and no event that commits later will be (a subscription that starts "from the
    /// end" starts here).
    /// </summary>
    ValueTask<long> GetEndPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// How many events (of any stream) come after <paramref name="position"/> and can be read now; at most
    /// <paramref name="limit"/> (counting stops there). A subscription's lag.
    /// </summary>
    ValueTask<long> CountEventsAfterAsync(long position, long limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until events after <paramref name="afterPosition"/> may be readable, or <paramref name="maxWait"/>
    /// passed, whichever comes first (a live subscription's wait). It may return early without new events; the caller
    /// reads to find out. Providers signal in process, across processes (e.g. PostgreSQL <c>LISTEN/NOTIFY</c>) or not
    /// at all (then the caller polls every <paramref name="maxWait"/>).
    /// </summary>
    ValueTask WaitForEventsAsync(long afterPosition, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Begins a transaction on the store's database, for work that must commit together with events or with a
    /// subscription's checkpoint: appends, read-model changes through <see cref="IEventStoreTransaction.Connection"/>,
    /// checkpoints. Disposing it without <see cref="IEventStoreTransaction.CommitAsync"/> rolls it all back. Stores
    /// with a single writer (SQLite) hold other writers back until it ends: keep it short.
    /// </summary>
    ValueTask<IEventStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>The checkpoint saved under <paramref name="name"/> (a global position), or null when there is none.</summary>
    ValueTask<long?> LoadCheckpointAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Saves a checkpoint (in its own transaction; see <see cref="IEventStoreTransaction.SaveCheckpointAsync"/> for one with other work).</summary>
    ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default);

    /// <summary>Deletes a checkpoint (a projection rebuilt under a new name no longer needs its old one).</summary>
    ValueTask DeleteCheckpointAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The latest snapshot of <paramref name="streamId"/>, or null.</summary>
    ValueTask<Snapshot?> LoadSnapshotAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Saves a snapshot, replacing the stream's snapshot unless that one has a higher version.</summary>
    ValueTask SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default);
}
