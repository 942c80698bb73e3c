using Switchboard.Configuration;

namespace Switchboard.Conformance;

/// <summary>
/// A store whose database can also hold the event store, so that appends join its units of work (event-sourced sagas,
/// <see cref="Switchboard.EventSourcing.IEventSession"/>): the in-memory pair, SQLite in the transport's file, PostgreSQL in one database.
/// </summary>
public interface IEventSourcedStoreFactory : IStoreFactory
{
    /// <summary>Points <paramref name="builder"/>'s event store at the database of <paramref name="scope"/> (a scope this factory created).</summary>
    void UseEventStore(SwitchboardBuilder builder, IStoreScope scope);
}
