using System.Data.Common;

namespace Switchboard.EventSourcing;

/// <summary>
/// A transaction of an event store in a SQL database (<see cref="ISqlEventStore"/>): the caller's own SQL on
/// <see cref="Connection"/> in <see cref="Transaction"/> (a read model's rows) commits and rolls back with the appends
/// and checkpoints. Not thread-safe: one caller at a time.
/// </summary>
public interface ISqlEventStoreTransaction : IEventStoreTransaction
{
    /// <summary>The database connection the transaction runs on.</summary>
    DbConnection Connection { get; }

    /// <summary>The transaction to set on every command on <see cref="Connection"/>.</summary>
    DbTransaction Transaction { get; }
}
