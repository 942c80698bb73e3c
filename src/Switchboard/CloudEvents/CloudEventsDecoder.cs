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
        if (received.ContentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
        {
            return Structured(received);
        }

        foreach (var name in received.Headers.Keys)
        {
            if (name.StartsWith(CloudEventsHeaders.Prefix, StringComparison.Ordinal))
            {
                return Binary(received);
            }
        }

        return (received, null);
    }

    private static (Envelope, string?) Binary(Envelope received)
    {
        if (!received.Headers.TryGetValue(CloudEventsHeaders.SpecVersion, out var version))
        {
            return (received, $"invalid CloudEvent: it has {CloudEventsHeaders.Prefix} attributes but no {CloudEventsHeaders.SpecVersion}");
        }

        if (CloudEventsSpecVersion.FromVersionId(version) is not { } specVersion)
        {
            return (received, $"invalid CloudEvent: spec version '{Quote(version)}' is not supported (only {CloudEventsSpecVersion.V1_0.VersionId})");
        }

        var cloudEvent = new CloudEvent(specVersion, CloudEventsAttributes.Extensions);
        try
        {
            foreach (var (name, value) in received.Headers)
            {
                if (name.StartsWith(CloudEventsHeaders.Prefix, StringComparison.Ordinal) && name != CloudEventsHeaders.SpecVersion)
                {
                    cloudEvent.SetAttributeFromString(name[CloudEventsHeaders.Prefix.Length..], value);
                }
            }
        }
        catch (ArgumentException e)
        {
            return (received, "invalid CloudEvent: " + Quote(e.Message));
        }

        if (Missing(cloudEvent) is { } missing)
        {
            return (received, missing);
        }

        return (Merge(received, cloudEvent, received.Headers, received.Body, received.ContentType), null);
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
        return (Merge(received, cloudEvent, headers, body, cloudEvent.DataContentType ?? MediaTypeNames.Application.Json), null);
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

    private static string? Either(string? own, string? fromCloudEvent) => string.IsNullOrEmpty(own) ? fromCloudEvent : own;

    private static string? Missing(CloudEvent cloudEvent)
    {
        var missing = cloudEvent.SpecVersion.RequiredAttributes.Where(a => cloudEvent[a] is null or "").Select(a => a.Name).ToList();
        return missing.Count == 0 ? null : "invalid CloudEvent: missing required attributes: " + string.Join(", ", missing);
    }

    // Values that came off the wire are quoted in reasons, but never at any length.
    private static string Quote(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
