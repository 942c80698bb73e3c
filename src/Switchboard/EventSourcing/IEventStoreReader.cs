namespace Switchboard.EventSourcing;

/// <summary>
/// Reads an event store: one stream by version, or all streams in their one global order. Instances are thread-safe.
/// </summary>
public interface IEventStoreReader
{
    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events of one stream. Forwards: versions from
    /// <paramref name="fromVersion"/> upwards (1 is the first event). Backwards: versions from
    /// <paramref name="fromVersion"/> downwards (<see cref="long.MaxValue"/> is the last event). Empty when the
    /// stream does not exist or has nothing there.
    /// </summary>
    ValueTask<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>The stream's version: its number of events, 0 when it does not exist.</summary>
    ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events that pass <paramref name="filter"/>, after global position
    /// <paramref name="afterPosition"/> (0: from the start), in global order. Never returns an event while an event
    /// before it in the global order may still commit: a reader that continues from <see cref="EventPage.NextPosition"/>
    /// sees every committed event exactly once, also when concurrent appends commit out of order.
    /// </summary>
    ValueTask<EventPage> ReadAllAsync(long afterPosition, int maxCount, EventFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The end of what can be read now: the <see cref="EventPage.NextPosition"/> of a read that reaches the end. Every
    /// readable event is at or before it, and no event that commits later will be (a subscription that starts "from the
    /// end" starts here).
    /// </summary>
    ValueTask<long> GetEndPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// How many events (of any stream) come after <paramref name="position"/> and can be read now; at most
    /// <paramref name="limit"/> (counting stops there). A subscription's lag.
    /// </summary>
    ValueTask<long> CountEventsAfterAsync(long position, long limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until events after <paramref name="afterPosition"/> may be readable, or <paramref name="maxWait"/>
    /// passed, whichever comes first (a live subscription's wait). It may return early without new events, and it may
    /// wait the whole <paramref name="maxWait"/> although events arrived: the caller reads to find out, and reads again
    /// after every wait.
    /// </summary>
    ValueTask WaitForEventsAsync(long afterPosition, TimeSpan maxWait, CancellationToken cancellationToken = default);
}
