using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// One consumer of a partition on one channel, from its subscription until its channel closes or loses the broker:
/// delivery tags and acknowledgements belong to it. After that the broker has everything it held unacknowledged, and
/// the partition subscribes again on a new channel, at the back of the line.
/// </summary>
/// <remarks>
/// Acknowledgements go one by one, not batched as on other queues: a key's next message may only be handed out once
/// the broker has processed the acknowledgement of the one before, and <see cref="ConfirmAsync"/> waits for that. An
/// acknowledgement has no reply of its own, and one lost with a crash would bring a key's finished message back after
/// its successor ran.
/// </remarks>
internal sealed class PartitionSubscription(IChannel channel, ushort prefetch)
{
    public IChannel Channel => channel;

    /// <summary>Whether a message came through it: the broker made it the partition's active consumer.</summary>
    public bool Active { get; set; }

    /// <summary>When it became active (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long ActiveSince { get; set; }

    /// <summary>Sends the acknowledgement of one delivery; on a closed channel it is moot (the broker requeued the message).</summary>
    public async ValueTask AcknowledgeAsync(ulong deliveryTag, CancellationToken cancellationToken)
    {
        try
        {
            await channel.BasicAckAsync(deliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // The channel is gone: what it had not acknowledged is the broker's again, and the subscription ends with it.
        }
    }

    /// <summary>
    /// Returns once the broker has processed every acknowledgement sent before: a channel's methods are processed in
    /// order, so the reply to a synchronous one (setting the same prefetch again) comes after them.
    /// </summary>
    public Task ConfirmAsync(CancellationToken cancellationToken) =>
        channel.BasicQosAsync(0, prefetch, global: false, cancellationToken);
}
