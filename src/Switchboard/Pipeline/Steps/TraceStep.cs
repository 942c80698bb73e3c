using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Messages;

namespace Switchboard.Pipeline.Steps;

/// <summary>Opens the process span (child of the sender's traceparent), the logging scope, and records metrics.</summary>
internal sealed class TraceStep(ILogger logger, string transportName) : IReceiveStep
{
    private static readonly Func<ILogger, string, string?, string, IDisposable?> Scope =
        LoggerMessage.DefineScope<string, string?, string>("MessageId:{MessageId} CorrelationId:{CorrelationId} MessageType:{MessageType}");

    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var envelope = context.Envelope;
        var started = SwitchboardDiagnostics.ProcessDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        var activity = StartActivity(context, transportName);
        var scope = Scope(logger, envelope.MessageId, envelope.CorrelationId, envelope.MessageType);
        ValueTask pending;
        try
        {
            pending = next(context);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                Finish(context, activity, scope, started);
                return ValueTask.CompletedTask;
            }
        }
        catch (Exception e)
        {
            pending = ValueTask.FromException(e);
        }

        return AwaitAsync(pending, context, activity, scope, started);
    }

    private static async ValueTask AwaitAsync(ValueTask pending, ReceiveContext context, Activity? activity, IDisposable? scope, long started)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            Finish(context, activity, scope, started);
        }
    }

    private static void Finish(ReceiveContext context, Activity? activity, IDisposable? scope, long started)
    {
        Record(context, activity, started);
        scope?.Dispose();
        activity?.Dispose();
    }

    private static void Record(ReceiveContext context, Activity? activity, long started)
    {
        var failed = context.Settlement != Settlement.Complete;
        if (activity is not null && failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, context.DeadLetterReason?.Reason ?? context.Settlement.ToString());
        }

        var endpoint = new KeyValuePair<string, object?>(MessagingTags.Destination, context.Endpoint);
        if (!failed && SwitchboardDiagnostics.Handled.Enabled)
        {
            SwitchboardDiagnostics.Handled.Add(1, endpoint, new KeyValuePair<string, object?>(MessagingTags.MessageType, context.Envelope.MessageType));
        }

        if (started != 0)
        {
            SwitchboardDiagnostics.ProcessDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, endpoint);
        }
    }

    private static Activity? StartActivity(ReceiveContext context, string system)
    {
        if (!SwitchboardDiagnostics.ActivitySource.HasListeners())
        {
            return null;
        }

        var envelope = context.Envelope;
        ActivityContext.TryParse(envelope.TraceParent, envelope.Headers.GetValueOrDefault(HeaderNames.TraceState), isRemote: true, out var parent);
        var activity = SwitchboardDiagnostics.ActivitySource.StartActivity($"process {context.Endpoint}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingTags.System, system);
            activity.SetTag(MessagingTags.Operation, "process");
            activity.SetTag(MessagingTags.OperationName, "process");
            activity.SetTag(MessagingTags.Destination, context.Endpoint);
            activity.SetTag(MessagingTags.ConsumerGroup, context.Endpoint);
            activity.SetTag(MessagingTags.MessageId, envelope.MessageId);
            activity.SetTag(MessagingTags.ConversationId, envelope.CorrelationId);
            activity.SetTag(MessagingTags.MessageType, envelope.MessageType);
            activity.SetTag(MessagingTags.BodySize, envelope.Body.Length);
            activity.SetTag(MessagingTags.DeliveryCount, context.Incoming.DeliveryCount);
        }

        return activity;
    }
}
