using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql;

/// <summary>An event's metadata as the JSON object of the <c>metadata</c> column: <c>correlationId</c>, <c>causationId</c>, <c>headers</c>.</summary>
internal static class EventMetadataJson
{
    /// <summary>The JSON, or null when there is nothing to store (the column stays NULL).</summary>
    public static string? Write(EventMetadata? metadata)
    {
        if (metadata is null || (metadata.CorrelationId is null && metadata.CausationId is null && (metadata.Headers is null || metadata.Headers.Count == 0)))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata.CorrelationId is { } correlation)
            {
                writer.WriteString("correlationId", correlation);
            }

            if (metadata.CausationId is { } causation)
            {
                writer.WriteString("causationId", causation);
            }

            if (metadata.Headers is { Count: > 0 } headers)
            {
                writer.WriteStartObject("headers");
                foreach (var (name, value) in headers)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The metadata of a stored JSON object; unknown members are skipped.</summary>
    public static EventMetadata Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Dictionary<string, string>? headers = null;
        if (root.TryGetProperty("headers", out var stored) && stored.ValueKind == JsonValueKind.Object)
        {
            headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var header in stored.EnumerateObject())
            {
                headers[header.Name] = header.Value.GetString() ?? "";
            }
        }

        return new EventMetadata
        {
            CorrelationId = root.TryGetProperty("correlationId", out var correlation) ? correlation.GetString() : null,
            CausationId = root.TryGetProperty("causationId", out var causation) ? causation.GetString() : null,
            Headers = headers,
        };
    }
}
