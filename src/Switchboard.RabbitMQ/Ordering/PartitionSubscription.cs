using global::RabbitMQ.Client;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// One consumer of a partition on one channel, from its subscription until its channel closes or loses the broker:
/// delivery tags and acknowledgements belong to it. A channel the client recovers after a connection loss starts a new
/// subscription (the broker returned everything unacknowledged, and the consumer is at the back of the line again).
/// </summary>
internal sealed class PartitionSubscription(IChannel channel, int prefetch)
{
    public IChannel Channel => channel;

    public AcknowledgementBatcher Acknowledgements { get; } = new(channel, prefetch);

    /// <summary>Whether a message came through it: the broker made it the partition's active consumer.</summary>
    public bool Active { get; set; }

    /// <summary>When it became active (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long ActiveSince { get; set; }
}
