namespace Switchboard.EventSourcing;

/// <summary>
/// The event-stream participant of the unit of work of the message being handled, resolvable from the handler's scope
/// on a transactional endpoint of a bus with event sourcing. What it loads it tracks: when the unit of work commits,
/// the events each aggregate raised are appended in the same transaction as the inbox record, saga state, the
/// handler's own SQL and the messages it sent, expecting each stream still at the version it was loaded at. Another
/// writer that got there first rolls the whole unit back, and the message runs again on fresh state: handlers never
/// retry themselves. Appended events carry the message's correlation id and its id as their causation id.
/// </summary>
public interface IEventSession
{
    /// <summary>
    /// Loads aggregate <paramref name="id"/> (from its latest snapshot on) and tracks it; a new one (version 0) when its
    /// stream has no events. Loading it again in the same unit of work returns the same instance.
    /// </summary>
    ValueTask<TAggregate> LoadAsync<TAggregate>(string id, CancellationToken cancellationToken = default)
        where TAggregate : class, new();

    /// <summary>Appends <paramref name="events"/> (registered event types) to <paramref name="streamId"/> when the unit of work commits.</summary>
    void Append(string streamId, ExpectedVersion expectedVersion, params IReadOnlyList<object> events);
}
