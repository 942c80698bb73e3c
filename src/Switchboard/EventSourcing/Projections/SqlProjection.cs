namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// A projection whose read model is tables in the event store's database. Declare the tables in
/// <see cref="CreateSchemaAsync"/> and what each event type does to them with <c>When</c>, in SQL through the
/// <see cref="SqlProjectionContext"/>: the rows commit in the same store transaction as the checkpoint, so each event is
/// applied exactly once, also when a batch fails halfway. A rebuild fills fresh tables that are swapped in without
/// stopping reads (<see cref="ProjectionHost.RebuildAsync"/>). It runs on an <see cref="ISqlEventStore"/> only: a host
/// for it on any other store cannot be created, so its registration fails at start-up.
/// </summary>
public abstract class SqlProjection : Projection
{
    /// <summary>Creates a projection named <paramref name="name"/> (its checkpoints are named after it).</summary>
    protected SqlProjection(string name)
        : base(name)
    {
    }

    /// <summary>
    /// Creates the read model's tables, named through <see cref="SqlProjectionContext.Table"/> (<c>CREATE TABLE IF NOT
    /// EXISTS</c>: it runs at every start, and for each new generation). The default creates nothing.
    /// </summary>
    public virtual ValueTask CreateSchemaAsync(SqlProjectionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Declares what an event of type <typeparamref name="TEvent"/> does to the read model's tables.</summary>
    protected void When<TEvent>(Func<SqlProjectionContext, TEvent, RecordedEvent, CancellationToken, ValueTask> apply)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(apply);

        // The host of a SQL projection makes SQL contexts only (ProjectionViews).
        base.When<TEvent>((context, @event, recorded, cancellationToken) => apply((SqlProjectionContext)context, @event, recorded, cancellationToken));
    }

    /// <summary>Declares what an event of type <typeparamref name="TEvent"/> does to the read model's tables.</summary>
    protected void When<TEvent>(Func<SqlProjectionContext, TEvent, CancellationToken, ValueTask> apply)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(apply);
        When<TEvent>((context, @event, _, cancellationToken) => apply(context, @event, cancellationToken));
    }

    /// <summary>Tables and views in the store's database; a store without SQL cannot hold them.</summary>
    internal override ProjectionGenerations GenerationsOn(IEventStore store) =>
        store is ISqlEventStore
            ? new ProjectionViews(this)
            : throw new ArgumentException(
                $"Projection '{Name}' keeps its read model in tables of the event store's database (it is a {nameof(SqlProjection)}), " +
                $"but the {store.Name} event store has no SQL transactions (it is not an {nameof(ISqlEventStore)}). " +
                $"Run it on an event store in a database (SQLite, PostgreSQL), or derive it from {nameof(Projection)} and keep its read model itself.",
                nameof(store));
}
