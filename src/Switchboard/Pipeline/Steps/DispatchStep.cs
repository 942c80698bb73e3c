using Switchboard.Sending;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// After the handlers succeeded, dispatches what they sent and published. A handler that throws dispatches
/// nothing, so a retried attempt never leaves messages of a failed one behind.
/// </summary>
internal sealed class DispatchStep(Outbound outbound) : IReceiveStep
{
    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var pending = next(context);
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            return DispatchAsync(context);
        }

        return AwaitThenDispatchAsync(pending, context);
    }

    private async ValueTask AwaitThenDispatchAsync(ValueTask pending, ReceiveContext context)
    {
        await pending.ConfigureAwait(false);
        await DispatchAsync(context).ConfigureAwait(false);
    }

    private ValueTask DispatchAsync(ReceiveContext context)
    {
        var messageContext = context.MessageContext;
        if (messageContext is null || messageContext.Outgoing.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        return DispatchAllAsync(messageContext, context.CancellationToken);
    }

    private async ValueTask DispatchAllAsync(MessageContext messageContext, CancellationToken cancellationToken)
    {
        await outbound.DispatchAsync(messageContext.Outgoing, cancellationToken).ConfigureAwait(false);
        messageContext.ClearOutgoing();
    }
}
