using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// One delivery on a receiver's channel. The first settlement wins; the broker requeues the rest when the channel closes.
/// <paramref name="route"/> decides whether the exchange and routing key it came through vouch for its type.
/// </summary>
internal sealed class AmqpDelivery(AmqpReceiver receiver, ulong deliveryTag, Envelope envelope, int deliveryCount, DeliveryRoute route, string exchange, string routingKey) : IncomingMessage
{
    private int _settled;

    public ulong DeliveryTag => deliveryTag;

    public override Envelope Envelope => envelope;

    public override int DeliveryCount => deliveryCount;

    public override string Queue => receiver.Queue;

    public override string? RefusalFor(string messageType) => route.Refusal(exchange, routingKey, messageType);

    public bool TryClaim() => Interlocked.Exchange(ref _settled, 1) == 0;

    public override ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        TryClaim() ? receiver.AckAsync(this) : ValueTask.CompletedTask;

    public override ValueTask AbandonAsync(CancellationToken cancellationToken = default) =>
        TryClaim() ? receiver.RequeueAsync(this) : ValueTask.CompletedTask;

    public override ValueTask DeferAsync(TimeSpan delay, Envelope changed, CancellationToken cancellationToken = default) =>
        TryClaim() ? receiver.DeferAsync(this, delay, changed, cancellationToken) : ValueTask.CompletedTask;

    public override ValueTask DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken = default) =>
        TryClaim() ? receiver.DeadLetterAsync(this, reason.Stamp(envelope, receiver.Queue, DateTimeOffset.UtcNow), cancellationToken) : ValueTask.CompletedTask;
}
