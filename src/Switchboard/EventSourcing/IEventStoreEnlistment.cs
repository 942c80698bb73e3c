using Switchboard.Persistence;

namespace Switchboard.EventSourcing;

/// <summary>
/// What an event store offers when its streams live in the database of the bus's message store: appends that join a
/// unit of work of that store (<see cref="IStoreTransaction"/>), so the events a handler decides on commit together
/// with its inbox record, saga state, own SQL and outgoing messages, or not at all. Event-sourced sagas and
/// <see cref="IEventSession"/> need it; a store pairing that cannot offer it does not implement it.
/// </summary>
public interface IEventStoreEnlistment
{
    /// <summary>Whether appends can join units of work of <paramref name="store"/> (they share one database).</summary>
    bool CanEnlistIn(IMessageStore store);

    /// <summary>
    /// Appends <paramref name="events"/> to <paramref name="streamId"/> inside <paramref name="transaction"/>, a unit
    /// of work of a store for which <see cref="CanEnlistIn"/> is true: they become visible to readers when it commits,
    /// and a rollback leaves nothing. A stream that is not at <paramref name="expectedVersion"/>, or any other lost race,
    /// fails the unit of work with <see cref="ConcurrencyConflictException"/>, here or at its commit, so the transaction
    /// step runs the message again with fresh state.
    /// </summary>
    /// <exception cref="ArgumentException">The stream id or the batch is invalid (as for <see cref="IEventStoreWriter.AppendAsync"/>).</exception>
    ValueTask EnlistAppendAsync(IStoreTransaction transaction, string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);
}
