using System.Globalization;
using System.Text;
using global::RabbitMQ.Client;
using Switchboard.CloudEvents;
using Switchboard.Messages;
using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ;

/// <summary>Maps the envelope onto AMQP basic properties and headers, and back.</summary>
internal static class AmqpEnvelope
{
    private const string CausationId = "sb-causation-id";
    private const string TraceParent = "traceparent";
    private const string SentAt = "sb-sent-at";
    private const string DeliveryCount = "x-delivery-count";

    // The 256 slot values as text, made once: stamping a message costs the hash, not a string.
    private static readonly string[] SlotTexts = Enumerable.Range(0, OrderingNames.Slots).Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static BasicProperties ToProperties(Envelope envelope)
    {
        var headers = new Dictionary<string, object?>(envelope.Headers.Count + 12, StringComparer.Ordinal);
        foreach (var (name, value) in envelope.Headers)
        {
            headers[name] = value;
        }

        // CloudEvents' binary content mode over AMQP: other languages' clients read the attributes as cloudEvents: headers.
        foreach (var (name, value) in CloudEventsBinding.Headers(envelope))
        {
            headers[name] = value;
        }

        if (envelope.CausationId is not null)
        {
            headers[CausationId] = envelope.CausationId;
        }

        if (envelope.TraceParent is not null)
        {
            headers[TraceParent] = envelope.TraceParent;
        }

        // An AMQP long, not text: no formatting or parsing per message, and full precision (the timestamp property has seconds).
        headers[SentAt] = envelope.SentAt.UtcTicks;

        // Every message, whatever its destination: the publisher does not know which subscribers are ordered, nor how
        // many partitions they have, and an ordered endpoint's headers exchange routes by the header of its count (a
        // message without it goes to partition 0). Written last, so that a free header of the same name cannot route a
        // message into another key's partition.
        var slot = OrderingNames.SlotOf(SlotKey(envelope));
        headers[OrderingNames.SlotHeader] = SlotTexts[slot];
        foreach (var (partitions, header) in OrderingNames.ModuloHeaders)
        {
            headers[header] = SlotTexts[slot % partitions];
        }

        return new BasicProperties
        {
            MessageId = envelope.MessageId,
            Type = envelope.MessageType,
            CorrelationId = envelope.CorrelationId,
            ContentType = envelope.ContentType,
            Timestamp = new AmqpTimestamp(envelope.SentAt.ToUnixTimeSeconds()),
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
    }

    public static Envelope FromDelivery(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        Dictionary<string, string>? headers = null;
        string? causation = null, traceParent = null;
        var sentAt = properties.IsTimestampPresent() ? DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime) : DateTimeOffset.MinValue;
        if (properties.Headers is { } raw)
        {
            foreach (var (name, value) in raw)
            {
                if (name == SentAt && value is long ticks)
                {
                    sentAt = new DateTimeOffset(ticks, TimeSpan.Zero);
                    continue;
                }

                var text = Text(value);
                switch (name)
                {
                    case CausationId:
                        causation = text;
                        break;
                    case TraceParent:
                        traceParent = text;
                        break;
                    case SentAt:
                        break;
                    default:
                        // The slot headers are routing data of this copy, like the broker's headers: a copy published
                        // again (a retry, a dead letter, a re-drive) is stamped afresh from its own key.
                        if (text is not null && !IsBrokerHeader(name) && !OrderingNames.IsSlotHeader(name))
                        {
                            (headers ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = text;
                        }

                        break;
                }
            }
        }

        return new Envelope
        {
            MessageId = properties.MessageId ?? "",
            MessageType = properties.Type ?? "",
            CorrelationId = properties.CorrelationId,
            CausationId = causation,
            TraceParent = traceParent,
            SentAt = sentAt,
            ContentType = properties.ContentType ?? "",
            Headers = headers ?? Envelope.EmptyHeaders,
            Body = body,
        };
    }

    // The ordering key when there is one; otherwise the message id, which spreads unordered messages over the slots.
    private static string SlotKey(Envelope envelope) =>
        envelope.Headers.TryGetValue(HeaderNames.OrderingKey, out var key) && key.Length > 0 ? key : envelope.MessageId;

    /// <summary>Deliveries counted by the broker: quorum queues report earlier attempts in <c>x-delivery-count</c>.</summary>
    public static int Deliveries(IReadOnlyBasicProperties properties, bool redelivered)
    {
        if (properties.Headers is { } raw && raw.TryGetValue(DeliveryCount, out var value) && value is long or int)
        {
            return 1 + Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }

        return redelivered ? 2 : 1;
    }

    // Headers the broker adds when it dead-letters or redelivers; free headers of the application may also start with "x-".
    private static bool IsBrokerHeader(string name) =>
        name is "x-death" or "x-delivery-count" or "x-received-from"
        || name.StartsWith("x-first-death-", StringComparison.Ordinal)
        || name.StartsWith("x-last-death-", StringComparison.Ordinal);

    // Free headers are strings; tables and arrays (only the broker writes those) are not carried over.
    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        System.Collections.IEnumerable => null,
        null => null,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
