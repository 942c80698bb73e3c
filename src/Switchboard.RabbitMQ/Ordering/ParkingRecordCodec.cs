using System.Text.Json;
using Switchboard.Messages;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// The parking log's records on the wire: message type <see cref="MessageType"/>, a small UTF-8 JSON body
/// <c>{"record":"parked"|"draining"|"released","key":"…","deadLetterId":"…"}</c> (no <c>deadLetterId</c> for
/// <c>released</c>), and <c>{"record":"marker","id":"…"}</c>, which a reader appends to know where the log ended when it
/// began (a stream has no end-of-stream signal over AMQP 0.9.1). Anything else is malformed: decoding never throws.
/// </summary>
internal static class ParkingRecordCodec
{
    /// <summary>The message type of every record.</summary>
    public const string MessageType = "switchboard.parking-record";

    // A record is a key (at most 256 characters), an id and a few names: anything much larger is not one of ours.
    private const int MaxBody = 16 * 1024;

    public static Envelope Encode(ParkingRecord record)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("record", record.Kind switch
            {
                ParkingRecordKind.Parked => "parked",
                ParkingRecordKind.Draining => "draining",
                ParkingRecordKind.Released => "released",
                _ => throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "Not a parking record kind."),
            });
            json.WriteString("key", record.Key);
            if (record.DeadLetterId is not null)
            {
                json.WriteString("deadLetterId", record.DeadLetterId);
            }

            json.WriteEndObject();
        }

        return Wrap(buffer.WrittenMemory);
    }

    public static Envelope Marker(string id)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("record", "marker");
            json.WriteString("id", id);
            json.WriteEndObject();
        }

        return Wrap(buffer.WrittenMemory);
    }

    /// <summary>Reads one stream message; a message that is not a well-formed record comes back with <see cref="ParkingEntry.Problem"/> set.</summary>
    public static ParkingEntry Decode(string? messageType, ReadOnlySpan<byte> body)
    {
        if (messageType != MessageType)
        {
            return ParkingEntry.Malformed($"message type '{Shorten(messageType)}' is not {MessageType}");
        }

        if (body.Length > MaxBody)
        {
            return ParkingEntry.Malformed($"body of {body.Length} bytes");
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ParkingEntry.Malformed("body is not a JSON object");
            }

            var kind = Text(root, "record");
            if (kind == "marker")
            {
                return Text(root, "id") is { Length: > 0 } id ? ParkingEntry.OfMarker(id) : ParkingEntry.Malformed("marker without id");
            }

            if (Text(root, "key") is not { Length: > 0 } key)
            {
                return ParkingEntry.Malformed($"'{Shorten(kind)}' record without key");
            }

            var deadLetterId = Text(root, "deadLetterId");
            return kind switch
            {
                "released" => ParkingEntry.Of(ParkingRecord.Released(key)),
                "parked" or "draining" when deadLetterId is not { Length: > 0 } => ParkingEntry.Malformed($"'{kind}' record without deadLetterId"),
                "parked" => ParkingEntry.Of(ParkingRecord.Parked(key, deadLetterId!)),
                "draining" => ParkingEntry.Of(ParkingRecord.Draining(key, deadLetterId!)),
                _ => ParkingEntry.Malformed($"unknown record '{Shorten(kind)}'"),
            };
        }
        catch (JsonException e)
        {
            return ParkingEntry.Malformed("body is not JSON: " + e.Message);
        }
    }

    private static Envelope Wrap(ReadOnlyMemory<byte> body) => new()
    {
        MessageId = Guid.NewGuid().ToString("N"),
        MessageType = MessageType,
        ContentType = "application/json",
        SentAt = DateTimeOffset.UtcNow,
        Body = body.ToArray(),
    };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string? text) => text is null ? "(none)" : text.Length <= 60 ? text : text[..60] + "…";
}
