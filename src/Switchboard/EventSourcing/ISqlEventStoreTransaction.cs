using System.Data.Common;
using Switchboard.Persistence;

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

    /// <summary>
    /// Runs <paramref name="sql"/> in <see cref="Transaction"/>, <paramref name="parameters"/> bound to <c>@p0</c>,
    /// <c>@p1</c>, … (as <see cref="PositionalCommand"/>), and returns the number of rows it changed. A store may keep
    /// the statement prepared for the next run of the same text.
    /// </summary>
    async ValueTask<int> ExecuteAsync(string sql, object?[] parameters, CancellationToken cancellationToken = default)
    {
        await using var command = PositionalCommand.Create(Connection, Transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
