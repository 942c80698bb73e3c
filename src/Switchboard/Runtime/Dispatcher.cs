using System.Diagnostics;
using Switchboard.Diagnostics;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Runtime;

/// <summary>Hands outgoing messages to the transport inside a producer span that the envelope's traceparent names.</summary>
internal sealed class Dispatcher(TransportHost transport)
{
    public async ValueTask DispatchAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var transportInstance = await transport.GetStartedAsync(cancellationToken).ConfigureAwait(false);
        using var activity = StartActivity(message, transportInstance.Name);
        var traceParent = activity?.Id ?? Activity.Current?.Id ?? message.Envelope.TraceParent;
        var envelope = traceParent == message.Envelope.TraceParent ? message.Envelope : message.Envelope with { TraceParent = traceParent };
        try
        {
            if (message.Kind == OutgoingKind.Send)
            {
                await transportInstance.SendAsync(message.Destination, envelope, message.DeliverAt, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await transportInstance.PublishAsync(message.Destination, envelope, message.DeliverAt, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            activity.SetTag(MessagingTags.ErrorType, e.GetType().FullName);
            throw;
        }

        if (SwitchboardDiagnostics.Sent.Enabled)
        {
            SwitchboardDiagnostics.Sent.Add(1,
                new KeyValuePair<string, object?>(MessagingTags.Operation, message.Kind == OutgoingKind.Send ? "send" : "publish"),
                new KeyValuePair<string, object?>(MessagingTags.Destination, message.Destination));
        }
    }

    public async ValueTask DispatchAllAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 1)
        {
            await DispatchAsync(messages[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        // Started together so that transports which group commits (SQLite) or confirms (RabbitMQ) can batch them.
        var pending = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            pending[i] = DispatchAsync(messages[i], cancellationToken).AsTask();
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private static Activity? StartActivity(OutgoingMessage message, string system)
    {
        if (!SwitchboardDiagnostics.ActivitySource.HasListeners())
        {
            return null;
        }

        var operation = message.Kind == OutgoingKind.Send ? "send" : "publish";
        var activity = SwitchboardDiagnostics.ActivitySource.StartActivity($"{operation} {message.Destination}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, system);
            activity.SetTag(MessagingTags.Operation, operation);
            activity.SetTag(MessagingTags.OperationName, operation);
            activity.SetTag(MessagingTags.Destination, message.Destination);
            activity.SetTag(MessagingTags.MessageId, message.Envelope.MessageId);
            activity.SetTag(MessagingTags.ConversationId, message.Envelope.CorrelationId);
            activity.SetTag(MessagingTags.MessageType, message.Envelope.MessageType);
            activity.SetTag(MessagingTags.BodySize, message.Envelope.Body.Length);
        }

        return activity;
    }
}
