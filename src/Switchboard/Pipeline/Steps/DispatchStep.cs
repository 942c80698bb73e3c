using Switchboard.Runtime;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// After the handlers succeeded, dispatches what they sent and published. A handler that throws dispatches
/// nothing, so a retried attempt never leaves messages of a failed one behind.
/// </summary>
internal sealed class DispatchStep(Dispatcher dispatcher) : IReceiveStep
{
    public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        await next(context).ConfigureAwait(false);
        var outgoing = context.MessageContext?.Outgoing;
        if (outgoing is { Count: > 0 })
        {
            await dispatcher.DispatchAllAsync(outgoing, context.CancellationToken).ConfigureAwait(false);
            context.MessageContext!.ClearOutgoing();
        }
    }
}
