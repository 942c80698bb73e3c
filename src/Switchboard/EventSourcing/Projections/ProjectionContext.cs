using System.Data.Common;
using Switchboard.Persistence;

namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// What a projection works with while it applies a batch: the store transaction its changes commit in together with
/// its checkpoint, and the names of its tables in the generation being built.
/// </summary>
public sealed class ProjectionContext
{
    private readonly string _projection;
    private readonly HashSet<string> _tables;

    internal ProjectionContext(string projection, long generation, IEventStoreTransaction transaction, HashSet<string> tables)
    {
        _projection = projection;
        Generation = generation;
        StoreTransaction = transaction;
        _tables = tables;
    }

    /// <summary>
    /// Which build of the read model this is: 1 at first, one more per rebuild. Projections that keep their read model
    /// in memory (on the in-memory store) keep one per generation and serve the current one.
    /// </summary>
    public long Generation { get; }

    /// <summary>The store transaction: its checkpoint commits with everything done through it.</summary>
    public IEventStoreTransaction StoreTransaction { get; }

    /// <summary>The database connection; null on the in-memory store.</summary>
    public DbConnection? Connection => StoreTransaction.Connection;

    /// <summary>The transaction to set on every command; null on the in-memory store.</summary>
    public DbTransaction? Transaction => StoreTransaction.Transaction;

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
    public DbCommand Command(string sql, params object?[] parameters) =>
        PositionalCommand.Create(Connection ?? throw new InvalidOperationException($"Projection '{_projection}' runs on a store without a database."), Transaction, sql, parameters);

    /// <summary>Runs <paramref name="sql"/> (see <see cref="Command"/>) and returns the number of rows it changed.</summary>
    public async ValueTask<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
