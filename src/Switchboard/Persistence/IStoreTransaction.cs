using System.Data.Common;
using Switchboard.Messages;

namespace Switchboard.Persistence;

/// <summary>
/// One unit of work: the handler's own database changes, the inbox record, saga state and outgoing messages,
/// committed together by <see cref="CommitAsync"/> or not at all (disposing without committing rolls back).
/// </summary>
public interface IStoreTransaction : IAsyncDisposable
{
    /// <summary>
    /// The database transaction (its <see cref="DbTransaction.Connection"/> is the connection), opened on first
    /// use. Handlers run their own commands on it; they must not commit or roll it back themselves.
    /// </summary>
    /// <exception cref="NotSupportedException">The store has no database (in-memory).</exception>
    ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="endpoint"/> handled <paramref name="messageId"/>; false when it already had (a
    /// duplicate). A concurrent unit of work recording the same id never lets both commit: a store either waits for
    /// it here (PostgreSQL) or, recording optimistically, fails <see cref="CommitAsync"/> with
    /// <see cref="ConcurrencyConflictException"/> (SQLite); the message is then acknowledged as a duplicate.
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

    /// <summary>
    /// Makes a statement of the handler's own part of the unit of work: it runs in this transaction no later than
    /// <see cref="CommitAsync"/>, and a row count other than <see cref="StoreWrite.ExpectedRows"/> fails the commit with
    /// <see cref="ConcurrencyConflictException"/>. By default it runs at once on <see cref="GetDbTransactionAsync"/>'s
    /// transaction; a store may hold it until the commit.
    /// </summary>
    /// <exception cref="NotSupportedException">The store has no database (in-memory).</exception>
    async ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default) =>
        await StoreWrite.RunAsync(await GetDbTransactionAsync(cancellationToken).ConfigureAwait(false), write, cancellationToken).ConfigureAwait(false);

    /// <summary>Commits everything; when this returns, it is durable.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
