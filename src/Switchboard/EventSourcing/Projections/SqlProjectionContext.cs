using System.Data.Common;
using Switchboard.Persistence;

namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// What a <see cref="SqlProjection"/> works with: the store transaction's connection, on which its SQL commits with
/// its checkpoint, and the names of its tables in the generation being built.
/// </summary>
public sealed class SqlProjectionContext : ProjectionContext
{
    private readonly ISqlEventStoreTransaction _transaction;
    private readonly HashSet<string> _tables;

    internal SqlProjectionContext(long generation, ISqlEventStoreTransaction transaction, HashSet<string> tables)
        : base(generation, transaction)
    {
        _transaction = transaction;
        Connection = transaction.Connection;
        Transaction = transaction.Transaction;
        _tables = tables;
    }

    /// <summary>The database connection of the store transaction.</summary>
    public DbConnection Connection { get; }

    /// <summary>The database transaction to set on every command on <see cref="Connection"/>.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>
    /// The physical name of the read-model table <paramref name="name"/> in this generation
    /// (<c>{name}_g{generation}</c>). Queries read <paramref name="name"/> itself: a view over the current
    /// generation, switched in one transaction when a rebuild completes.
    /// </summary>
    public string Table(string name)
    {
        ProjectionNames.ValidateIdentifier(name);
        _tables.Add(name);
        return ProjectionNames.Physical(name, Generation);
    }

    /// <summary>A command on the connection, in the transaction, with parameters <c>@p0</c>, <c>@p1</c>, … bound to <paramref name="parameters"/>.</summary>
    public DbCommand Command(string sql, params object?[] parameters) => PositionalCommand.Create(Connection, Transaction, sql, parameters);

    /// <summary>
    /// Runs <paramref name="sql"/> (parameters as <see cref="Command"/>) and returns the number of rows it changed. The
    /// store may keep the statement prepared (<see cref="ISqlEventStoreTransaction.ExecuteAsync"/>), so a projection
    /// that runs the same text for every event parses it once.
    /// </summary>
    public ValueTask<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters) =>
        _transaction.ExecuteAsync(sql, parameters, cancellationToken);
}
