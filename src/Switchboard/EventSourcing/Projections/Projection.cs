namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// Turns events into a read model (the query side of CQRS) that it keeps itself: in memory, or in a system other
/// than the event store's database. Declare what each event type does with <c>When</c> in the constructor. It runs on
/// any event store as a subscription whose checkpoint commits in a store transaction after each batch (its own writes
/// elsewhere are not in that transaction: after a crash between the two, the batch is applied again), and it can be
/// rebuilt from the first event into a new generation (<see cref="ProjectionContext.Generation"/>) that is swapped in
/// without stopping reads (<see cref="ProjectionHost.RebuildAsync"/>). A read model in tables of the event store's
/// database, whose rows commit with the checkpoint, derives <see cref="SqlProjection"/> instead.
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

    /// <summary>
    /// What a host does with the read model's generations on <paramref name="store"/>: nothing, for a read model the
    /// projection keeps itself.
    /// </summary>
    internal virtual ProjectionGenerations GenerationsOn(IEventStore store) => new();

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
