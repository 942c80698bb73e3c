namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// A <see cref="SqlProjection"/>'s generations: its tables <c>{table}_g{n}</c>, and the views readers query, one per
/// table it named: <c>{table}</c> over the current generation's. Plain <c>DROP VIEW</c>/<c>CREATE VIEW</c>/<c>DROP
/// TABLE</c>, which SQLite and PostgreSQL both run inside a transaction.
/// </summary>
internal sealed class ProjectionViews(SqlProjection projection) : ProjectionGenerations
{
    private readonly HashSet<string> _tables = new(StringComparer.Ordinal);

    public override ProjectionContext Context(long generation, IEventStoreTransaction transaction) => SqlContext(generation, transaction);

    public override ValueTask CreateAsync(long generation, IEventStoreTransaction transaction, CancellationToken cancellationToken) =>
        projection.CreateSchemaAsync(SqlContext(generation, transaction), cancellationToken);

    public override async ValueTask PointAtAsync(long generation, IEventStoreTransaction transaction, CancellationToken cancellationToken)
    {
        var context = SqlContext(generation, transaction);
        foreach (var table in _tables.ToList())
        {
            await context.ExecuteAsync($"DROP VIEW IF EXISTS {table}", cancellationToken).ConfigureAwait(false);
            await context.ExecuteAsync($"CREATE VIEW {table} AS SELECT * FROM {context.Table(table)}", cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask DropAsync(long generation, IEventStoreTransaction transaction, CancellationToken cancellationToken)
    {
        var context = SqlContext(generation, transaction);
        foreach (var table in _tables.ToList())
        {
            await context.ExecuteAsync($"DROP TABLE IF EXISTS {context.Table(table)}", cancellationToken).ConfigureAwait(false);
        }
    }

    // Made only for an ISqlEventStore (SqlProjection.GenerationsOn), whose transactions are all SQL ones, also those
    // begun through IEventStore, as the live subscription begins them.
    private SqlProjectionContext SqlContext(long generation, IEventStoreTransaction transaction) =>
        new(generation, (ISqlEventStoreTransaction)transaction, _tables);
}
