using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Projections;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// The suites' projection in the event store's database: <see cref="TallyProjection"/>'s tallies in the table
/// <c>tallies(id, value)</c>, read through the view of that name.
/// </summary>
public sealed class SqlTallyProjection : SqlProjection
{
    private readonly TallyRules _rules;

    /// <summary>Creates the projection.</summary>
    public SqlTallyProjection(TallyRules rules)
        : base("tally")
    {
        _rules = rules;
        When<Counted>(ApplyAsync);
    }

    /// <inheritdoc />
    public override EventFilter Filter => EventFilter.ForCategories("tally");

    /// <inheritdoc />
    public override async ValueTask CreateSchemaAsync(SqlProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {context.Table("tallies")} (id TEXT PRIMARY KEY, value BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ApplyAsync(SqlProjectionContext context, Counted counted, RecordedEvent recorded, CancellationToken cancellationToken)
    {
        var table = context.Table("tallies");
        await context.ExecuteAsync(
            $"INSERT INTO {table} (id, value) VALUES (@p0, @p1) ON CONFLICT (id) DO UPDATE SET value = {table}.value + excluded.value",
            cancellationToken,
            recorded.StreamId,
            _rules.Amount(counted)).ConfigureAwait(false);
        _rules.Applied(recorded);
    }
}
