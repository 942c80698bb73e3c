using System.Data.Common;

namespace Switchboard.Persistence;

/// <summary>
/// The unit of work of the message being handled, resolvable from the handler's scope on a transactional
/// endpoint. The handler's own commands run on <see cref="GetDbTransactionAsync"/>'s transaction and commit
/// together with the inbox record, saga state and the messages the handler sent.
/// </summary>
public interface IUnitOfWork
{
    /// <summary>The store's transaction (opened on first use; do external calls before this, not while holding it).</summary>
    ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a statement of the handler's own to the unit of work, to run in its transaction no later than the commit
    /// (the SQLite store runs it at the commit, without holding the database's writer while the handler works). Prefer
    /// this to <see cref="GetDbTransactionAsync"/> for handlers that read (on a connection of their own), decide, then
    /// write: use <see cref="StoreWrite.ExpectedRows"/> where what was read may have changed meanwhile.
    /// </summary>
    ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default) => Transaction.EnlistWriteAsync(write, cancellationToken);

    /// <summary>The store-level transaction, for sagas and providers.</summary>
    IStoreTransaction Transaction { get; }
}
