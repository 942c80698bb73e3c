using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Switchboard.Messages;

namespace Switchboard.CloudEvents;

/// <summary>
/// Reads a received envelope that came as a CloudEvent, in either content mode, into the envelope it stands for; an
/// envelope without CloudEvents attributes is returned as it is. An invalid CloudEvent (no <c>id</c>, <c>source</c> or
/// <c>type</c>, a spec version other than 1.0, an attribute that does not parse) yields the reason it is refused.
/// </summary>
internal static class CloudEventsDecoder
{
    private const string StructuredMediaType = "application/cloudevents+json";
    private const string BatchMediaType = "application/cloudevents-batch+json";
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>The envelope <paramref name="received"/> stands for, and null; or <paramref name="received"/> and why it is refused.</summary>
    public static (Envelope Envelope, string? Refusal) Decode(Envelope received)
    {
        if (IsStructured(received.ContentType))
        {
            return Structured(received);
        }

        if (received.Headers.Count == 0)
        {
            return (received, null);
        }

        // A binary-mode CloudEvent has its spec version; an envelope of this bus that stays in its store (SQLite,
        // in-memory) has only its source beside its own fields, and is read as it is. Without fields of its own, any
        // attribute makes it a CloudEvent, to be refused with the reason when it is not a valid one.
        if (received.Headers.ContainsKey(CloudEventsHeaders.SpecVersion)
            || ((string.IsNullOrEmpty(received.MessageId) || string.IsNullOrEmpty(received.MessageType)) && received.Headers.Keys.Any(IsAttribute)))
        {
            return Binary(received);
        }

        return (received, null);
    }

    /// <summary>Whether a body of <paramref name="contentType"/> is a whole event (or a batch of them): structured mode.</summary>
    public static bool IsStructured(string contentType) => contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase);

    private static bool IsAttribute(string header) => header.StartsWith(CloudEventsHeaders.Prefix, StringComparison.Ordinal);

    // Checked by hand rather than through the SDK's CloudEvent: every message of a binary-mode bus comes this way, and
    // the rules are few (spec version 1.0, the required attributes, a time that parses).
    private static (Envelope, string?) Binary(Envelope received)
    {
        var headers = received.Headers;
        if (!headers.TryGetValue(CloudEventsHeaders.SpecVersion, out var version))
        {
            return (received, $"invalid CloudEvent: it has {CloudEventsHeaders.Prefix} attributes but no {CloudEventsHeaders.SpecVersion}");
        }

        if (version != CloudEventsSpecVersion.V1_0.VersionId)
        {
            return (received, $"invalid CloudEvent: spec version '{Quote(version)}' is not supported (only {CloudEventsSpecVersion.V1_0.VersionId})");
        }

        var id = headers.GetValueOrDefault(CloudEventsHeaders.Id);
        var source = headers.GetValueOrDefault(CloudEventsHeaders.Source);
        var type = headers.GetValueOrDefault(CloudEventsHeaders.Type);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(source) || string.IsNullOrEmpty(type))
        {
            string[] missing = [.. new[] { ("id", id), ("source", source), ("type", type) }.Where(a => string.IsNullOrEmpty(a.Item2)).Select(a => a.Item1)];
            return (received, "invalid CloudEvent: missing required attributes: " + string.Join(", ", missing));
        }

        DateTimeOffset? time = null;
        if (headers.TryGetValue(CloudEventsHeaders.Time, out var timeText))
        {
            try
            {
                time = (DateTimeOffset)CloudEventsSpecVersion.V1_0.TimeAttribute.Parse(timeText);
            }
            catch (ArgumentException e)
            {
                return (received, "invalid CloudEvent: " + Quote(e.Message));
            }
        }

        if (TooLong(headers) is { } tooLong)
        {
            return (received, tooLong);
        }

        return (received with
        {
            Headers = WithOrderingKey(headers),
            MessageId = Either(received.MessageId, id)!,
            MessageType = Either(received.MessageType, type)!,
            CorrelationId = Either(received.CorrelationId, headers.GetValueOrDefault(CloudEventsHeaders.CorrelationId)),
            CausationId = Either(received.CausationId, headers.GetValueOrDefault(CloudEventsHeaders.CausationId)),
            TraceParent = Either(received.TraceParent, headers.GetValueOrDefault(CloudEventsHeaders.TraceParent)),
            SentAt = received.SentAt != DateTimeOffset.MinValue ? received.SentAt : time ?? DateTimeOffset.MinValue,
            ContentType = string.IsNullOrEmpty(received.ContentType) ? MediaTypeNames.Application.Json : received.ContentType,
        }, null);
    }

    private static (Envelope, string?) Structured(Envelope received)
    {
        ContentType contentType;
        try
        {
            contentType = new ContentType(received.ContentType);
        }
        catch (FormatException)
        {
            return (received, $"invalid CloudEvent: content type '{Quote(received.ContentType)}' does not parse");
        }

        if (contentType.MediaType.Equals(BatchMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return (received, "a batch of CloudEvents is not a message: send each event on its own");
        }

        if (!contentType.MediaType.Equals(StructuredMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return (received, $"unsupported content type '{Quote(received.ContentType)}'");
        }

        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(received.Body, contentType, CloudEventsAttributes.Extensions);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            return (received, "invalid CloudEvent: " + Quote(e.Message));
        }

        if (Missing(cloudEvent) is { } missing)
        {
            return (received, missing);
        }

        var headers = new Dictionary<string, string>(received.Headers, StringComparer.Ordinal);
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            headers[CloudEventsHeaders.Prefix + attribute.Name] = attribute.Format(value);
        }

        var body = cloudEvent.Data switch
        {
            JsonElement json => JsonSerializer.SerializeToUtf8Bytes(json),
            byte[] bytes => bytes,
            string text => Encoding.UTF8.GetBytes(text),
            _ => [],
        };
        if (TooLong(headers) is { } tooLong)
        {
            return (received, tooLong);
        }

        return (Merge(received, cloudEvent, WithOrderingKey(headers), body, cloudEvent.DataContentType ?? MediaTypeNames.Application.Json), null);
    }

    // The envelope's own fields win where the transport carried them (every Switchboard producer writes both); a producer
    // that wrote only the CloudEvent (another language's SDK) gets them from its attributes.
    private static Envelope Merge(Envelope received, CloudEvent cloudEvent, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body, string contentType) =>
        received with
        {
            MessageId = Either(received.MessageId, cloudEvent.Id)!,
            MessageType = Either(received.MessageType, cloudEvent.Type)!,
            CorrelationId = Either(received.CorrelationId, cloudEvent[CloudEventsAttributes.CorrelationId] as string),
            CausationId = Either(received.CausationId, cloudEvent[CloudEventsAttributes.CausationId] as string),
            TraceParent = Either(received.TraceParent, cloudEvent[CloudEventsAttributes.TraceParent] as string),
            SentAt = received.SentAt != DateTimeOffset.MinValue ? received.SentAt : cloudEvent.Time ?? DateTimeOffset.MinValue,
            ContentType = string.IsNullOrEmpty(contentType) ? MediaTypeNames.Application.Json : contentType,
            Headers = headers,
            Body = body,
        };

    // The partitioning extension's key is the ordering key of an event that came without one of Switchboard's.
    private static IReadOnlyDictionary<string, string> WithOrderingKey(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue(CloudEventsHeaders.PartitionKey, out var key) && key.Length > 0 && !headers.ContainsKey(HeaderNames.OrderingKey)
            ? new Dictionary<string, string>(headers, StringComparer.Ordinal) { [HeaderNames.OrderingKey] = key }
            : headers;

    private static string? TooLong(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue(CloudEventsHeaders.PartitionKey, out var key) && key.Length > OrderingKeys.MaxLength
            ? $"invalid CloudEvent: partitionkey has {key.Length} characters, more than the {OrderingKeys.MaxLength} an ordering key may have"
            : null;

    private static string? Either(string? own, string? fromCloudEvent) => string.IsNullOrEmpty(own) ? fromCloudEvent : own;

    private static string? Missing(CloudEvent cloudEvent)
    {
        var missing = cloudEvent.SpecVersion.RequiredAttributes.Where(a => cloudEvent[a] is null or "").Select(a => a.Name).ToList();
        return missing.Count == 0 ? null : "invalid CloudEvent: missing required attributes: " + string.Join(", ", missing);
    }

    // Values that came off the wire are quoted in reasons, but never at any length.
    public static string Quote(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
