namespace Switchboard.EventSourcing.Aggregates;

/// <summary>
/// An event-sourced entity: its state is what its events made of it. Commands are methods that check the state and
/// <see cref="Raise"/> events; <see cref="Apply"/> is the one place that changes state, used both for new events and
/// when the aggregate is loaded from its stream. <see cref="AggregateRepository"/> loads and saves it.
/// </summary>
/// <typeparam name="TState">The state: JSON-serializable (snapshots are its JSON), with a parameterless constructor for a new aggregate.</typeparam>
public abstract class Aggregate<TState>
    where TState : class, new()
{
    private readonly List<object> _changes = [];

    /// <summary>The aggregate's id (its stream is <c>{category}-{id}</c>).</summary>
    public string Id { get; private set; } = "";

    /// <summary>The version it was loaded at (0: new): what the next save expects the stream to be at.</summary>
    public long Version { get; private set; }

    /// <summary>Its current state, including raised events not saved yet.</summary>
    public TState State { get; private set; } = new();

    /// <summary>Events raised since it was loaded or saved.</summary>
    public IReadOnlyList<object> Changes => _changes;

    /// <summary>Whether its stream has no events yet.</summary>
    public bool IsNew => Version == 0;

    /// <summary>Records a new event and applies it to the state.</summary>
    protected void Raise(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        State = Apply(State, @event);
        _changes.Add(@event);
    }

    /// <summary>The state after <paramref name="event"/>: return a new state, or change <paramref name="state"/> and return it.</summary>
    protected abstract TState Apply(TState state, object @event);

    internal void Restore(string id, long version, TState state)
    {
        Id = id;
        Version = version;
        State = state;
        _changes.Clear();
    }

    internal void Replay(object @event, long version)
    {
        State = Apply(State, @event);
        Version = version;
    }

    internal void MarkSaved(long version)
    {
        Version = version;
        _changes.Clear();
    }
}
