using CloudNative.CloudEvents;
using Switchboard.Messages;

namespace Switchboard.CloudEvents;

/// <summary>
/// Binary content mode for a transport whose messages leave the process (RabbitMQ): the CloudEvents attributes of an
/// envelope written in <see cref="WireFormat.CloudEventsBinary"/>, as the <c>cloudEvents:</c> headers to put beside
/// its own fields. The envelope itself carries only its <see cref="CloudEventsHeaders.Source"/>: its id, type, time,
/// correlation and trace context are its fields, so a transport that stores envelopes (SQLite, in-memory) keeps them
/// once, and one that sends them to other languages' clients writes them twice, once in each vocabulary.
/// </summary>
public static class CloudEventsBinding
{
    /// <summary>
    /// The attribute headers of <paramref name="envelope"/> when it was written in binary mode (it has a source and
    /// no attributes yet); none otherwise. <c>datacontenttype</c> is the transport's own content type, not a header.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> Headers(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!envelope.Headers.ContainsKey(CloudEventsHeaders.Source) || envelope.Headers.ContainsKey(CloudEventsHeaders.SpecVersion))
        {
            yield break;
        }

        yield return new(CloudEventsHeaders.SpecVersion, CloudEventsSpecVersion.V1_0.VersionId);
        yield return new(CloudEventsHeaders.Id, envelope.MessageId);
        yield return new(CloudEventsHeaders.Type, envelope.MessageType);
        yield return new(CloudEventsHeaders.Time, CloudEventsSpecVersion.V1_0.TimeAttribute.Format(envelope.SentAt));
        if (envelope.CorrelationId is { } correlation)
        {
            yield return new(CloudEventsHeaders.CorrelationId, correlation);
        }

        if (envelope.CausationId is { } causation)
        {
            yield return new(CloudEventsHeaders.CausationId, causation);
        }

        if (envelope.TraceParent is { } traceParent)
        {
            yield return new(CloudEventsHeaders.TraceParent, traceParent);
        }

        if (envelope.Headers.TryGetValue(HeaderNames.OrderingKey, out var orderingKey))
        {
            yield return new(CloudEventsHeaders.PartitionKey, orderingKey);
        }
    }
}
