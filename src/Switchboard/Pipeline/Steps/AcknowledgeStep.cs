using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Transport;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// The outermost step: once the pipeline has decided, settles the message with the transport. A step that
/// throws unexpectedly abandons the message (it is redelivered), never acknowledges it.
/// </summary>
/// <remarks>
/// Like every built-in step it has a synchronous fast path: when the rest of the pipeline completes without
/// waiting, no async state machine runs. Steps run once per message, so this is most of the per-message cost.
/// </remarks>
internal sealed class AcknowledgeStep(ILogger logger, HandledMessageLog handled) : IReceiveStep
{
    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        ValueTask pending;
        try
        {
            pending = next(context);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                return SettleAsync(context);
            }
        }
        catch (Exception e)
        {
            pending = ValueTask.FromException(e);
        }

        return AwaitThenSettleAsync(pending, context);
    }

    private async ValueTask AwaitThenSettleAsync(ValueTask pending, ReceiveContext context)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Receive pipeline of {Endpoint} failed on message {MessageId}; returning it to the queue", context.Endpoint, context.Envelope.MessageId);
            context.Abandon();
        }

        await SettleAsync(context).ConfigureAwait(false);
    }

    private ValueTask SettleAsync(ReceiveContext context)
    {
        var incoming = context.Incoming;
        return context.Settlement switch
        {
            Settlement.Complete => Complete(context),
            Settlement.Abandon => incoming.AbandonAsync(CancellationToken.None),
            Settlement.Defer => incoming.DeferAsync(context.DeferDelay, context.DeferEnvelope!, CancellationToken.None),
            _ => DeadLetterAsync(context),
        };
    }

    // The handlers' work is committed by now: a read waiting for this message may go ahead (ReadYourWrites).
    private ValueTask Complete(ReceiveContext context)
    {
        handled.Record(context.Endpoint, context.Envelope.MessageId);
        return context.Incoming.CompleteAsync(CancellationToken.None);
    }

    private async ValueTask DeadLetterAsync(ReceiveContext context)
    {
        var reason = context.DeadLetterReason ?? new DeadLetterReason("unspecified", Attempts: context.Attempts);
        logger.LogError("Dead-lettering message {MessageId} ({MessageType}) from {Endpoint}: {Reason}", context.Envelope.MessageId, context.Envelope.MessageType, context.Endpoint, reason.Reason);
        await context.Incoming.DeadLetterAsync(reason, CancellationToken.None).ConfigureAwait(false);
        if (SwitchboardDiagnostics.DeadLettered.Enabled)
        {
            SwitchboardDiagnostics.DeadLettered.Add(1, new KeyValuePair<string, object?>(MessagingTags.Destination, context.Endpoint));
        }
    }
}
