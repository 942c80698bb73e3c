using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;

namespace Switchboard.EventSourcing.Subscriptions;

/// <summary>
/// Publishes stored events to the bus: the event store's side of "no dual write". The application appends events
/// only; this subscription publishes each one with its event id as the message id, and its checkpoint is saved only
/// after the bus confirmed the publishes. A crash in between publishes some events again, with the same message
/// ids, which consumers' inboxes recognise. Events of one stream are published in stream order; streams go in
/// parallel.
/// </summary>
public sealed class BusForwarder(IBus bus, EventTypeMap types, ILogger<BusForwarder> logger) : IEventBatchHandler
{
    /// <summary>The header that carries an event's causation id (as the envelope's <see cref="Messages.Envelope.CausationId"/> does).</summary>
    public const string CausationHeader = "sb-causation-id";

    /// <inheritdoc />
    public async ValueTask HandleAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var streams = batch.Events.GroupBy(e => e.StreamId, StringComparer.Ordinal);
        await Task.WhenAll(streams.Select(stream => PublishInOrderAsync(stream, cancellationToken))).ConfigureAwait(false);
    }

    private async Task PublishInOrderAsync(IEnumerable<RecordedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var recorded in events)
        {
            if (!types.TryDeserialize(recorded, out var @event))
            {
                // The event stays in the store; publishing it needs its type mapped (and registered on the bus).
                logger.LogWarning("Not forwarding event {EventId} of {Stream}: type '{Type}' is not mapped", recorded.EventId, recorded.StreamId, recorded.Type);
                continue;
            }

            using var trace = ContinueTrace(recorded);
            await bus.PublishAsync(@event, Options(recorded), cancellationToken).ConfigureAwait(false);
        }
    }

    // The publish joins the trace the event was appended in (an HTTP request, a message's handling): one order is one
    // trace from its request to its last event's consumers. Without a listener here, a bare activity still carries the
    // trace id to the envelope's traceparent, for the consumers' processes.
    private static Activity? ContinueTrace(RecordedEvent recorded)
    {
        if (recorded.Metadata.TraceParent is not { } traceParent || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        return SwitchboardDiagnostics.ActivitySource.StartActivity("forward " + recorded.Type, ActivityKind.Internal, parent)
            ?? new Activity("forward").SetParentId(traceParent).Start();
    }

    private static PublishOptions Options(RecordedEvent recorded)
    {
        var metadata = recorded.Metadata;
        var headers = metadata.Headers;
        if (metadata.CausationId is not null)
        {
            var withCausation = new Dictionary<string, string>(StringComparer.Ordinal) { [CausationHeader] = metadata.CausationId };
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                withCausation[name] = value;
            }

            headers = withCausation;
        }

        return new PublishOptions { MessageId = recorded.EventId, CorrelationId = metadata.CorrelationId, CausationId = metadata.CausationId, Headers = headers };
    }
}
