using Switchboard.Configuration;
using Switchboard.Transport;

namespace Switchboard.Pipeline.Steps;

/// <summary>Runs every handler the endpoint has for the message type, in registration order.</summary>
internal sealed class InvokeStep(EndpointDefinition endpoint) : IReceiveStep
{
    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        if (context.MessageType is null || context.Message is null || context.Services is null || context.MessageContext is null)
        {
            throw new InvalidOperationException("The invoke step needs the deserialize and scope steps before it.");
        }

        if (!endpoint.Handlers.TryGetValue(context.MessageType, out var handlers))
        {
            context.DeadLetter(new DeadLetterReason($"endpoint '{endpoint.Queue}' has no handler for '{context.Envelope.MessageType}'", Attempts: context.Attempts));
            return ValueTask.CompletedTask;
        }

        if (handlers.Length == 1)
        {
            var pending = handlers[0](context.Services, context.Message, context.MessageContext, context.CancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                return next(context);
            }

            return AwaitThenNextAsync(pending, context, next);
        }

        return InvokeAllAsync(handlers, context, next);
    }

    private static async ValueTask AwaitThenNextAsync(ValueTask pending, ReceiveContext context, ReceiveDelegate next)
    {
        await pending.ConfigureAwait(false);
        await next(context).ConfigureAwait(false);
    }

    private static async ValueTask InvokeAllAsync(HandlerInvoker[] handlers, ReceiveContext context, ReceiveDelegate next)
    {
        foreach (var handler in handlers)
        {
            await handler(context.Services!, context.Message!, context.MessageContext!, context.CancellationToken).ConfigureAwait(false);
        }

        await next(context).ConfigureAwait(false);
    }
}
