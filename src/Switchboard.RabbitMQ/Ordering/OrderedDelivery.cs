using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// A message of an ordered endpoint handed to a handler: from a partition (a delivery tag on a subscription's channel)
/// or from a parked key's queue while it drains (<see cref="Parked"/>). Its settlement goes to its partition's
/// consumer, which holds the key until then; the first settlement wins.
/// </summary>
internal sealed class OrderedDelivery(
    PartitionConsumer partition,
    PartitionSubscription subscription,
    ulong deliveryTag,
    Envelope envelope,
    int deliveryCount,
    DeliveryRoute route,
    string exchange,
    string routingKey) : IncomingMessage
{
    private int _settled;

    /// <summary>The subscription it came through: a settlement after that one ended is not sent to the broker.</summary>
    public PartitionSubscription Subscription => subscription;

    /// <summary>Its tag on the subscription's channel; 0 for a message from a parked key's queue.</summary>
    public ulong DeliveryTag => deliveryTag;

    /// <summary>The parked-key queue's message it is, while its key drains; null for a partition's message.</summary>
    public ParkedMessage? Parked { get; init; }

    /// <summary>Its ordering key, or null: a message without one is handled unordered.</summary>
    public string? Key { get; } = envelope.Headers.TryGetValue(HeaderNames.OrderingKey, out var key) && key.Length > 0 ? key : null;

    /// <summary>The exchange it was published to and its routing key (a parked message keeps those of its first delivery).</summary>
    public string Exchange => exchange;

    /// <inheritdoc cref="Exchange"/>
    public string RoutingKey => routingKey;

    public override Envelope Envelope => envelope;

    public override int DeliveryCount => deliveryCount;

    public override string Queue => partition.Queue;

    public override string? RefusalFor(string messageType) => route.Refusal(exchange, routingKey, messageType);

    /// <summary>The same message offered again, still holding its key: after an abandon, or a deferral carrying <paramref name="changed"/>.</summary>
    public OrderedDelivery Again(Envelope? changed = null) =>
        new(partition, subscription, deliveryTag, changed ?? envelope, deliveryCount + 1, route, exchange, routingKey) { Parked = Parked };

    public override ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        Claim() ? partition.SettleAsync(new Settlement(this, SettlementKind.Complete)) : ValueTask.CompletedTask;

    public override ValueTask AbandonAsync(CancellationToken cancellationToken = default) =>
        Claim() ? partition.SettleAsync(new Settlement(this, SettlementKind.Abandon)) : ValueTask.CompletedTask;

    public override ValueTask DeferAsync(TimeSpan delay, Envelope changed, CancellationToken cancellationToken = default) =>
        Claim() ? partition.SettleAsync(new Settlement(this, SettlementKind.Defer) { Delay = delay, Changed = changed }) : ValueTask.CompletedTask;

    public override ValueTask DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken = default) =>
        Claim() ? partition.SettleAsync(new Settlement(this, SettlementKind.DeadLetter) { Reason = reason }) : ValueTask.CompletedTask;

    private bool Claim() => Interlocked.Exchange(ref _settled, 1) == 0;
}

/// <summary>How a handler settled an <see cref="OrderedDelivery"/>.</summary>
internal enum SettlementKind
{
    Complete,
    Abandon,
    Defer,
    DeadLetter,
}

/// <summary>A settlement on its way to the partition's consumer; <see cref="Done"/> completes when it took effect.</summary>
internal sealed record Settlement(OrderedDelivery Delivery, SettlementKind Kind)
{
    public TimeSpan Delay { get; init; }

    public Envelope? Changed { get; init; }

    public DeadLetterReason? Reason { get; init; }

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
