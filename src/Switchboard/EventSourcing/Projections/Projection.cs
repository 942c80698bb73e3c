namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// Turns events into a read model (the query side of CQRS). Declare what each event type does with
/// <c>When</c> in the constructor, and the read model's tables in <see cref="CreateSchemaAsync"/>.
/// A projection runs as a subscription whose checkpoint commits in the same store transaction as its changes, so each
/// event is applied exactly once; it can be rebuilt from the first event into fresh tables that are swapped in
/// without stopping reads (<see cref="ProjectionHost.RebuildAsync"/>).
/// </summary>
public abstract class Projection
{
    private readonly Dictionary<Type, Func<ProjectionContext, object, RecordedEvent, CancellationToken, ValueTask>> _handlers = [];

    /// <summary>Creates a projection named <paramref name="name"/> (its checkpoints are named after it).</summary>
    protected Projection(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The projection's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Which stored events it reads (default: all; events of types it has no <c>When</c> for are passed
    /// over). Narrow it by category for a projection of one kind of stream.
    /// </summary>
    public virtual EventFilter Filter => EventFilter.All;

    /// <summary>
    /// Creates the read model's tables, named through <see cref="ProjectionContext.Table"/> (<c>CREATE TABLE IF NOT
    /// EXISTS</c>: it runs at every start, and for each new generation). The default creates nothing.
    /// </summary>
    public virtual ValueTask CreateSchemaAsync(ProjectionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Declares what an event of type <typeparamref name="TEvent"/> does to the read model.</summary>
    protected void When<TEvent>(Func<ProjectionContext, TEvent, RecordedEvent, CancellationToken, ValueTask> apply)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(apply);
        _handlers[typeof(TEvent)] = (context, @event, recorded, cancellationToken) => apply(context, (TEvent)@event, recorded, cancellationToken);
    }

    /// <summary>Declares what an event of type <typeparamref name="TEvent"/> does to the read model.</summary>
    protected void When<TEvent>(Func<ProjectionContext, TEvent, CancellationToken, ValueTask> apply)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(apply);
        When<TEvent>((context, @event, _, cancellationToken) => apply(context, @event, cancellationToken));
    }

    internal async ValueTask ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, EventTypeMap types, CancellationToken cancellationToken)
    {
        foreach (var recorded in events)
        {
            if (!types.CanRead(recorded.Type) || !types.TryDeserialize(recorded, out var @event))
            {
                continue;
            }

            if (_handlers.TryGetValue(@event.GetType(), out var apply))
            {
                await apply(context, @event, recorded, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
