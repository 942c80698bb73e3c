using System.Diagnostics;
using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Switchboard.Messages;

namespace Switchboard.CloudEvents;

/// <summary>Writes an envelope as a CloudEvent (<see cref="WireFormat"/>) when the message is created.</summary>
/// <remarks>
/// In structured mode the <c>traceparent</c> attribute is the trace context in which the message was created (the
/// CloudEvents distributed tracing extension records the producer's context); the envelope's own traceparent, set when
/// the message is handed to the transport, names the send's span and is what Switchboard's tracing continues from (and
/// what binary mode's <c>cloudEvents:traceparent</c> header carries).
/// </remarks>
internal static class CloudEventsEncoder
{
    private static readonly JsonEventFormatter Formatter = new();

    public static Envelope Encode(Envelope envelope, WireFormat format, string source) => format switch
    {
        WireFormat.CloudEventsBinary => Binary(envelope, source),
        WireFormat.CloudEventsStructured => Structured(envelope, source),
        _ => envelope,
    };

    // The other attributes are the envelope's own fields: a transport that sends them abroad adds them
    // (CloudEventsBinding), one that stores envelopes keeps them once.
    // A source already given (an event taken in from elsewhere, CloudEventsIntake) stays: it names the event's producer.
    private static Envelope Binary(Envelope envelope, string source) =>
        envelope.Headers.Count == 0
            ? envelope with { Headers = new Dictionary<string, string>(1, StringComparer.Ordinal) { [CloudEventsHeaders.Source] = source } }
            : envelope.Headers.ContainsKey(CloudEventsHeaders.Source) ? envelope : envelope.WithHeader(CloudEventsHeaders.Source, source);

    private static Envelope Structured(Envelope envelope, string source)
    {
        using var json = IsJson(envelope.ContentType) ? JsonDocument.Parse(envelope.Body) : null;
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, CloudEventsAttributes.Extensions)
        {
            Id = envelope.MessageId,
            Source = new Uri(envelope.Headers.GetValueOrDefault(CloudEventsHeaders.Source) ?? source, UriKind.RelativeOrAbsolute),
            Type = envelope.MessageType,
            Time = envelope.SentAt,
            DataContentType = envelope.ContentType,
            Data = json is null ? envelope.Body.ToArray() : json.RootElement,
        };
        cloudEvent[CloudEventsAttributes.CorrelationId] = envelope.CorrelationId;
        cloudEvent[CloudEventsAttributes.CausationId] = envelope.CausationId;
        cloudEvent[CloudEventsAttributes.TraceParent] = TraceParent();
        cloudEvent[CloudEventsAttributes.PartitionKey] = envelope.Headers.GetValueOrDefault(HeaderNames.OrderingKey);
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out var contentType);
        return envelope with { Body = body, ContentType = contentType.ToString() };
    }

    private static bool IsJson(string contentType) =>
        new ContentType(contentType).MediaType is { } media
        && (media.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string? TraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : null;
}
