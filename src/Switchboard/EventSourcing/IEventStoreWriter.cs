namespace Switchboard.EventSourcing;

/// <summary>Appends events to the streams of an event store. Instances are thread-safe.</summary>
public interface IEventStoreWriter
{
    /// <summary>
    /// Appends <paramref name="events"/> to the end of <paramref name="streamId"/>, atomically: all of them or none.
    /// Throws <see cref="WrongExpectedVersionException"/> when the stream is not as <paramref name="expectedVersion"/>
    /// says. When every event id of the batch is already in the stream, consecutively and in the same order (a retry of
    /// an earlier append, or of part of one: stores do not keep batch boundaries), nothing is written and the earlier
    /// result comes back with <see cref="AppendResult.AlreadyAppended"/> (whatever the expected version); any other
    /// reuse of an event id throws <see cref="DuplicateEventIdException"/>.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);
}
