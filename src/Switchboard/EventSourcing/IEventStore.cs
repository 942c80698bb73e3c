namespace Switchboard.EventSourcing;

/// <summary>
/// Streams of immutable events with one global order over all of them: a reader and a writer with a schema to
/// initialize and transactions that span appends and checkpoints. A provider offers its checkpoints
/// (<see cref="ICheckpointStore"/>) and snapshots (<see cref="ISnapshotStore"/>) as contracts of their own, and SQL in
/// its transactions as <see cref="ISqlEventStore"/>; what it does not offer it does not implement. Every provider passes
/// the event store conformance suite in <c>Switchboard.Conformance</c>. Instances are thread-safe and meant to be
/// singletons; disposing one twice is harmless.
/// </summary>
public interface IEventStore : IEventStoreReader, IEventStoreWriter, IAsyncDisposable
{
    /// <summary>A short name for logs and diagnostics.</summary>
    string Name { get; }

    /// <summary>Creates or upgrades the schema; idempotent and safe when several processes start at once.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Begins a transaction on the store's data, for work that must commit together with events or with a
    /// subscription's checkpoint. Disposing it without <see cref="IEventStoreTransaction.CommitAsync"/> rolls it all
    /// back. A store may hold other writers back until it ends: keep it short.
    /// </summary>
    ValueTask<IEventStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default);
}
