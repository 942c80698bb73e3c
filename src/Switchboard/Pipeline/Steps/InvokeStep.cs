using Switchboard.Configuration;
using Switchboard.Transport;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// Runs every handler the endpoint has for the message type, in registration order, at most
/// <see cref="EndpointOptions.Concurrency"/> messages at a time: the slot is released when the handlers return,
/// while the outer steps commit, dispatch and acknowledge.
/// </summary>
internal sealed class InvokeStep(EndpointDefinition endpoint) : IReceiveStep
{
    private readonly SemaphoreSlim _slots = new(endpoint.Options.Concurrency, endpoint.Options.Concurrency);

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

        if (handlers.Length != 1 || !_slots.Wait(0))
        {
            return InvokeAllAsync(handlers, context, next);
        }

        var messageContext = context.MessageContext;
        messageContext.Slot.Took(_slots);
        ValueTask pending;
        try
        {
            pending = handlers[0](context.Services, context.Message, messageContext, context.CancellationToken);
        }
        catch
        {
            messageContext.Slot.Release();
            throw;
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            messageContext.Slot.Release();
            return next(context);
        }

        return AwaitThenNextAsync(pending, context, next);
    }

    private static async ValueTask AwaitThenNextAsync(ValueTask pending, ReceiveContext context, ReceiveDelegate next)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            context.MessageContext!.Slot.Release();
        }

        await next(context).ConfigureAwait(false);
    }

    private async ValueTask InvokeAllAsync(HandlerInvoker[] handlers, ReceiveContext context, ReceiveDelegate next)
    {
        await _slots.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        context.MessageContext!.Slot.Took(_slots);
        try
        {
            foreach (var handler in handlers)
            {
                await handler(context.Services!, context.Message!, context.MessageContext!, context.CancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            context.MessageContext!.Slot.Release();
        }

        await next(context).ConfigureAwait(false);
    }
}
