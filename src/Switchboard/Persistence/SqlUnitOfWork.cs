namespace Switchboard.Persistence;

/// <summary>
/// The scoped <see cref="ISqlUnitOfWork"/>, registered by <see cref="Configuration.SwitchboardBuilder.UseSqlStore"/>:
/// every unit of work of an <see cref="ISqlMessageStore"/> is an <see cref="ISqlStoreTransaction"/>.
/// </summary>
internal sealed class SqlUnitOfWork(UnitOfWork unitOfWork) : ISqlUnitOfWork
{
    public ISqlStoreTransaction Transaction => (ISqlStoreTransaction)unitOfWork.Transaction;

    IStoreTransaction IUnitOfWork.Transaction => unitOfWork.Transaction;
}
