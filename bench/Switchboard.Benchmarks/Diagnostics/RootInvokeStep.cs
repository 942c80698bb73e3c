using Switchboard.Configuration;
using Switchboard.Pipeline;

namespace Switchboard.Benchmarks.Diagnostics;

/// <summary>The invoke step without a DI scope: for the <see cref="Ablations.Scope"/> ablation only.</summary>
internal sealed class RootInvokeStep(EndpointDefinition endpoint, IServiceProvider root) : IReceiveStep
{
    public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        if (context.MessageType is null || context.Message is null || !endpoint.Handlers.TryGetValue(context.MessageType, out var handlers))
        {
            throw new InvalidOperationException("The root invoke step needs a deserialized message with a handler.");
        }

        var messageContext = new MinimalMessageContext(context);
        foreach (var handler in handlers)
        {
            await handler(root, context.Message, messageContext, context.CancellationToken).ConfigureAwait(false);
        }

        await next(context).ConfigureAwait(false);
    }
}
