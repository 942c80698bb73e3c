namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// The views readers query, one per read-model table a projection named: <c>{table}</c> over <c>{table}_g{n}</c>.
/// Plain <c>DROP VIEW</c>/<c>CREATE VIEW</c>/<c>DROP TABLE</c>, which SQLite and PostgreSQL both run inside a transaction.
/// </summary>
internal sealed class ProjectionViews(string projection)
{
    private readonly HashSet<string> _tables = new(StringComparer.Ordinal);

    public ProjectionContext Context(long generation, IEventStoreTransaction transaction) => new(projection, generation, transaction, _tables);

    public async ValueTask PointAtAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        if (context.Connection is null)
        {
            return;
        }

        foreach (var table in _tables.ToList())
        {
            await context.ExecuteAsync($"DROP VIEW IF EXISTS {table}", cancellationToken).ConfigureAwait(false);
            await context.ExecuteAsync($"CREATE VIEW {table} AS SELECT * FROM {context.Table(table)}", cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DropTablesAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        if (context.Connection is null)
        {
            return;
        }

        foreach (var table in _tables.ToList())
        {
            await context.ExecuteAsync($"DROP TABLE IF EXISTS {context.Table(table)}", cancellationToken).ConfigureAwait(false);
        }
    }
}
