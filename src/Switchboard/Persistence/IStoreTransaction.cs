using Switchboard.Messages;

namespace Switchboard.Persistence;

/// <summary>
/// One unit of work of a message store: the inbox record, saga state and outgoing messages, committed together by
/// <see cref="CommitAsync"/> or not at all (disposing without committing rolls back). Stores with a database extend it
/// with the handler's own SQL (<see cref="ISqlStoreTransaction"/>). Not thread-safe: one caller at a time.
/// </summary>
public interface IStoreTransaction : IAsyncDisposable
{
    /// <summary>
    /// Records that <paramref name="endpoint"/> handled <paramref name="messageId"/>; false when it already had (a
    /// duplicate). A concurrent unit of work recording the same id never lets both commit: either this call waits for
    /// the other to end, or <see cref="CommitAsync"/> fails with <see cref="ConcurrencyConflictException"/> (the
    /// transaction step then finds the record and acknowledges the message as a duplicate).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="messageId"/> is null, empty or white space: the inbox never deduplicates a message without an id.</exception>
    ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default);

    /// <summary>Loads a saga instance, or null when there is none.</summary>
    ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts (when <paramref name="expectedVersion"/> is 0) or updates the instance whose version is still
    /// <paramref name="expectedVersion"/>, storing <c>expectedVersion + 1</c>.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">Another unit of work changed or created it first.</exception>
    ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="messages"/> part of the unit of work. Returns true when they were stored in the
    /// outbox and must be dispatched after the commit (then marked dispatched); false when they joined the
    /// transport directly (the transport shares the store's database) and go out with the commit.
    /// </summary>
    ValueTask<bool> EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Commits everything; when this returns, it is durable.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
