using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Transport;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// The outermost step: once the pipeline has decided, settles the message with the transport. A step that
/// throws unexpectedly abandons the message (it is redelivered), never acknowledges it.
/// </summary>
internal sealed class AcknowledgeStep(ILogger logger) : IReceiveStep
{
    public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Receive pipeline of {Endpoint} failed on message {MessageId}; returning it to the queue", context.Endpoint, context.Envelope.MessageId);
            context.Abandon();
        }

        var incoming = context.Incoming;
        switch (context.Settlement)
        {
            case Settlement.Complete:
                await incoming.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                break;
            case Settlement.Abandon:
                await incoming.AbandonAsync(CancellationToken.None).ConfigureAwait(false);
                break;
            case Settlement.Defer:
                await incoming.DeferAsync(context.DeferDelay, context.DeferEnvelope!, CancellationToken.None).ConfigureAwait(false);
                break;
            case Settlement.DeadLetter:
                var reason = context.DeadLetterReason ?? new DeadLetterReason("unspecified", Attempts: context.Attempts);
                logger.LogError("Dead-lettering message {MessageId} ({MessageType}) from {Endpoint}: {Reason}", context.Envelope.MessageId, context.Envelope.MessageType, context.Endpoint, reason.Reason);
                await incoming.DeadLetterAsync(reason, CancellationToken.None).ConfigureAwait(false);
                if (SwitchboardDiagnostics.DeadLettered.Enabled)
                {
                    SwitchboardDiagnostics.DeadLettered.Add(1, new KeyValuePair<string, object?>(MessagingTags.Destination, context.Endpoint));
                }

                break;
        }
    }
}
