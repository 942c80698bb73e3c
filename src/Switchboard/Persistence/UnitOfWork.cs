using System.Data.Common;

namespace Switchboard.Persistence;

/// <summary>The scoped <see cref="IUnitOfWork"/>: the transaction step sets the current store transaction.</summary>
internal sealed class UnitOfWork : IUnitOfWork
{
    private IStoreTransaction? _transaction;

    public IStoreTransaction Transaction => _transaction
        ?? throw new InvalidOperationException("There is no unit of work: the endpoint is not transactional (call Transactional() on it) or no message is being handled.");

    public ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default) => Transaction.GetDbTransactionAsync(cancellationToken);

    public ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return Transaction.EnlistWriteAsync(write, cancellationToken);
    }

    internal void Attach(IStoreTransaction? transaction) => _transaction = transaction;
}
