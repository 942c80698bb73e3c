using System.Diagnostics;
using Switchboard.Diagnostics;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sending;

/// <summary>Hands outgoing messages to the transport inside a producer span that the envelope's traceparent names.</summary>
internal sealed class Dispatcher(TransportHost transport)
{
    public ValueTask DispatchAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var started = transport.GetStartedAsync(cancellationToken);
        if (message.Envelope.TraceParent is not null && started.IsCompletedSuccessfully)
        {
            // Stamped when its unit of work enlisted it (see Stamp): its producer span exists already.
            var stamped = Hand(started.Result, message, message.Envelope, cancellationToken);
            return stamped.IsCompletedSuccessfully ? Counted(message) : AwaitThenCountAsync(stamped, message);
        }

        if (!started.IsCompletedSuccessfully || SwitchboardDiagnostics.ActivitySource.HasListeners())
        {
            return DispatchTracedAsync(started, message, cancellationToken);
        }

        // The common case, without a span to open: no async state machine unless the transport has to wait.
        var handing = Hand(started.Result, message, WithTraceParent(message.Envelope, Activity.Current?.Id), cancellationToken);
        if (handing.IsCompletedSuccessfully)
        {
            handing.GetAwaiter().GetResult();
            Count(message);
            return ValueTask.CompletedTask;
        }

        return AwaitThenCountAsync(handing, message);
    }

    /// <summary>
    /// Gives each of <paramref name="messages"/> its producer span now, closed at once, and names it in the message's
    /// traceparent: messages a unit of work enlists leave with its commit (into the transport's tables, or the outbox
    /// for the dispatch after the commit or for the relay, maybe after a restart), so this is the last moment they are
    /// in the trace of the message being handled. A consumer of theirs continues that trace.
    /// </summary>
    public OutgoingMessage[] Stamp(OutgoingMessage[] messages)
    {
        if (Activity.Current is null && !SwitchboardDiagnostics.ActivitySource.HasListeners())
        {
            return messages;
        }

        var system = transport.Transport.Name;
        for (var i = 0; i < messages.Length; i++)
        {
            using var activity = StartActivity(messages[i], system);
            messages[i] = messages[i] with { Envelope = WithTraceParent(messages[i].Envelope, activity?.Id ?? Activity.Current?.Id) };
        }

        return messages;
    }

    private static ValueTask Counted(OutgoingMessage message)
    {
        Count(message);
        return ValueTask.CompletedTask;
    }

    private static async ValueTask AwaitThenCountAsync(ValueTask handing, OutgoingMessage message)
    {
        await handing.ConfigureAwait(false);
        Count(message);
    }

    private static async ValueTask DispatchTracedAsync(ValueTask<ITransport> starting, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var transportInstance = await starting.ConfigureAwait(false);
        using var activity = StartActivity(message, transportInstance.Name);
        var envelope = WithTraceParent(message.Envelope, activity?.Id ?? Activity.Current?.Id);
        try
        {
            await Hand(transportInstance, message, envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            activity.SetTag(MessagingTags.ErrorType, e.GetType().FullName);
            throw;
        }

        Count(message);
    }

    private static ValueTask Hand(ITransport transport, OutgoingMessage message, Envelope envelope, CancellationToken cancellationToken) =>
        message.Kind == OutgoingKind.Send
            ? transport.SendAsync(message.Destination, envelope, message.DeliverAt, cancellationToken)
            : transport.PublishAsync(message.Destination, envelope, message.DeliverAt, cancellationToken);

    private static Envelope WithTraceParent(Envelope envelope, string? traceParent) =>
        traceParent is null || traceParent == envelope.TraceParent ? envelope : envelope with { TraceParent = traceParent };

    private static void Count(OutgoingMessage message)
    {
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
