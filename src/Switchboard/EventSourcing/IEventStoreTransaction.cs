namespace Switchboard.EventSourcing;

/// <summary>
/// A transaction on the event store's data (<see cref="IEventStore.BeginTransactionAsync"/>): appends and checkpoints
/// commit together or not at all. Not thread-safe: one caller at a time.
/// </summary>
public interface IEventStoreTransaction : IAsyncDisposable
{
    /// <summary>
    /// Appends as <see cref="IEventStoreWriter.AppendAsync"/> does, inside this transaction: readers see the events only
    /// after the commit, and a rollback leaves nothing. Throws <see cref="WrongExpectedVersionException"/> at once or
    /// at commit.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>Saves a checkpoint inside this transaction (the store's <see cref="ICheckpointStore"/> loads it after the commit).</summary>
    ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default);

    /// <summary>Commits everything done in the transaction.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
