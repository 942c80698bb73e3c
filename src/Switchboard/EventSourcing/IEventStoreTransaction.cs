using System.Data.Common;

namespace Switchboard.EventSourcing;

/// <summary>
/// A transaction on the event store's database (<see cref="IEventStore.BeginTransactionAsync"/>): appends, a
/// projection's read-model changes and checkpoints commit together or not at all. Not thread-safe: one caller at a time.
/// </summary>
public interface IEventStoreTransaction : IAsyncDisposable
{
    /// <summary>The database connection, for read-model SQL; null for the in-memory store.</summary>
    DbConnection? Connection { get; }

    /// <summary>The transaction to pass to commands on <see cref="Connection"/>; null for the in-memory store.</summary>
    DbTransaction? Transaction { get; }

    /// <summary>
    /// Appends as <see cref="IEventStore.AppendAsync"/> does, inside this transaction: readers see the events only
    /// after the commit, and a rollback leaves nothing. Throws <see cref="WrongExpectedVersionException"/> at once or
    /// at commit.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>Saves a checkpoint inside this transaction.</summary>
    ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default);

    /// <summary>Commits everything done in the transaction.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
