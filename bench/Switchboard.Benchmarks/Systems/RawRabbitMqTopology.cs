using System.Text.Json;
using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// What one <c>raw-rabbitmq</c> scenario declares, publishes and records: the exchange and routing key the
/// producer publishes with, one durable queue per receive endpoint, and the JSON body of one item.
/// </summary>
public abstract class RawRabbitMqTopology
{
    /// <summary>JSON as Switchboard's default serializer writes it (web defaults).</summary>
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    /// <summary>The exchange the producer publishes to; empty for the default exchange.</summary>
    public abstract string Exchange { get; }

    /// <summary>The routing key of every publish.</summary>
    public abstract string RoutingKey { get; }

    /// <summary>The queues, one per receive endpoint; a delivery's slot is its queue's index here.</summary>
    public abstract IReadOnlyList<string> Queues { get; }

    /// <summary>The body of item <paramref name="sequence"/>.</summary>
    public abstract byte[] Body(Guid orderId, int sequence);

    /// <summary>The handler: reads the body and records the completion in <paramref name="slot"/>.</summary>
    public abstract void Complete(IItemTracker tracker, ReadOnlySpan<byte> body, int slot);

    /// <summary>Records a body that is not a message of the scenario: counted as unexpected.</summary>
    protected static void CompleteUnreadable(IItemTracker tracker, int slot) => tracker.Complete(Guid.Empty, -1, slot);
}

/// <summary><c>competing</c>: <see cref="OrderPlaced"/> through the default exchange to one queue.</summary>
public sealed class RawCompetingTopology : RawRabbitMqTopology
{
    /// <summary>The queue the commands go to.</summary>
    public const string Queue = "bench-raw-competing";

    /// <inheritdoc />
    public override string Exchange => "";

    /// <inheritdoc />
    public override string RoutingKey => Queue;

    /// <inheritdoc />
    public override IReadOnlyList<string> Queues { get; } = [Queue];

    /// <inheritdoc />
    public override byte[] Body(Guid orderId, int sequence) =>
        JsonSerializer.SerializeToUtf8Bytes(new OrderPlaced(orderId, sequence), Json);

    /// <inheritdoc />
    public override void Complete(IItemTracker tracker, ReadOnlySpan<byte> body, int slot)
    {
        if (JsonSerializer.Deserialize<OrderPlaced>(body, Json) is { } message)
        {
            tracker.Complete(message.OrderId, message.Amount, slot);
        }
        else
        {
            CompleteUnreadable(tracker, slot);
        }
    }
}

/// <summary><c>fanout</c>: <see cref="OrderCreated"/> through a topic exchange bound to three subscriber queues.</summary>
public sealed class RawFanoutTopology : RawRabbitMqTopology
{
    /// <summary>The topic exchange the events are published to.</summary>
    public const string Topic = "bench-raw-fanout";

    /// <summary>The routing key of the event (and of each queue's binding).</summary>
    public const string EventType = "bench.order-created.v1";

    /// <inheritdoc />
    public override string Exchange => Topic;

    /// <inheritdoc />
    public override string RoutingKey => EventType;

    /// <inheritdoc />
    public override IReadOnlyList<string> Queues { get; } = ["bench-raw-fanout-1", "bench-raw-fanout-2", "bench-raw-fanout-3"];

    /// <inheritdoc />
    public override byte[] Body(Guid orderId, int sequence) =>
        JsonSerializer.SerializeToUtf8Bytes(new OrderCreated(orderId, sequence), Json);

    /// <inheritdoc />
    public override void Complete(IItemTracker tracker, ReadOnlySpan<byte> body, int slot)
    {
        if (JsonSerializer.Deserialize<OrderCreated>(body, Json) is { } message)
        {
            tracker.Complete(message.OrderId, message.Amount, slot);
        }
        else
        {
            CompleteUnreadable(tracker, slot);
        }
    }
}
