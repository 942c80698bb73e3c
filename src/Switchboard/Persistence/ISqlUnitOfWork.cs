using System.Data.Common;

namespace Switchboard.Persistence;

/// <summary>
/// The unit of work of the message being handled, on a store with a database (<see cref="ISqlMessageStore"/>): the
/// handler's own SQL commits together with the inbox record, saga state, event appends and the messages it sent.
/// Registered only by stores that have a database; a handler that takes it cannot be resolved on the in-memory store.
/// </summary>
public interface ISqlUnitOfWork : IUnitOfWork
{
    /// <summary>The store transaction of the current attempt.</summary>
    /// <exception cref="InvalidOperationException">The endpoint is not transactional, or no message is being handled.</exception>
    new ISqlStoreTransaction Transaction { get; }

    /// <summary>
    /// The database transaction, opened on first use: for handlers that must read their own writes. Do external calls
    /// before this, not while holding it.
    /// </summary>
    ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default) => Transaction.GetDbTransactionAsync(cancellationToken);

    /// <summary>
    /// Adds a statement of the handler's own to the unit of work, to run in its transaction no later than the commit.
    /// Prefer this to <see cref="GetDbTransactionAsync"/> for handlers that read (on a connection of their own),
    /// decide, then write: use <see cref="StoreWrite.ExpectedRows"/> where what was read may have changed meanwhile.
    /// </summary>
    ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return Transaction.EnlistWriteAsync(write, cancellationToken);
    }
}
