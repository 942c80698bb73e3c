using System.Data.Common;

namespace Switchboard.Persistence;

/// <summary>
/// The unit of work of a store with a database (<see cref="ISqlMessageStore"/>): besides the inbox record, saga state
/// and outgoing messages, the handler's own SQL commits in it.
/// </summary>
public interface ISqlStoreTransaction : IStoreTransaction
{
    /// <summary>
    /// The database transaction (its <see cref="DbTransaction.Connection"/> is the connection), opened on first
    /// use. Handlers run their own commands on it; they must not commit or roll it back themselves.
    /// </summary>
    ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a statement of the handler's own part of the unit of work: it runs in this transaction no later than
    /// <see cref="IStoreTransaction.CommitAsync"/>, and a row count other than <see cref="StoreWrite.ExpectedRows"/>
    /// fails the unit of work with <see cref="ConcurrencyConflictException"/> (at once or at the commit).
    /// </summary>
    ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default);
}
