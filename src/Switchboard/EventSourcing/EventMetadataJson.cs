using System.Buffers;
using System.Text;
using System.Text.Json;
namespace Switchboard.EventSourcing;

/// <summary>
/// Event metadata as the database event stores keep it: a small JSON object (<c>correlationId</c>,
/// <c>causationId</c>, <c>headers</c>), or null when there is none, so the common case costs neither a parse on read
/// nor bytes on disk. Written and read without reflection.
/// </summary>
public static class EventMetadataJson
{
    /// <summary>Whether there is nothing to store.</summary>
    public static bool IsEmpty(EventMetadata metadata) =>
        metadata.CorrelationId is null && metadata.CausationId is null && metadata.TraceParent is null && (metadata.Headers is null || metadata.Headers.Count == 0);

    /// <summary>The JSON object, or null when <paramref name="metadata"/> is empty.</summary>
    public static string? Write(EventMetadata metadata)
    {
        if (IsEmpty(metadata))
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

            if (metadata.TraceParent is { } traceParent)
            {
                writer.WriteString("traceparent", traceParent);
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

    /// <summary>The metadata of a JSON object written by <see cref="Write"/>; unknown members are skipped.</summary>
    public static EventMetadata Read(string json)
    {
        string? correlation = null;
        string? causation = null;
        string? traceParent = null;
        Dictionary<string, string>? headers = null;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "correlationId":
                    correlation = reader.GetString();
                    break;
                case "causationId":
                    causation = reader.GetString();
                    break;
                case "traceparent":
                    traceParent = reader.GetString();
                    break;
                case "headers":
                    headers = ReadHeaders(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new EventMetadata { CorrelationId = correlation, CausationId = causation, TraceParent = traceParent, Headers = headers };
    }

    private static Dictionary<string, string> ReadHeaders(ref Utf8JsonReader reader)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            headers[name] = reader.GetString() ?? "";
        }

        return headers;
    }
}
