using Microsoft.Extensions.DependencyInjection;
using Switchboard.Sending;

namespace Switchboard.Pipeline.Steps;

/// <summary>Gives each handling attempt a fresh DI scope and message context.</summary>
internal sealed class ScopeStep(IServiceScopeFactory scopes, EnvelopeFactory envelopes) : IReceiveStep
{
    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var scope = scopes.CreateAsyncScope();
        ValueTask pending;
        try
        {
            var messageContext = new MessageContext(context, envelopes);
            scope.ServiceProvider.GetRequiredService<MessageContextAccessor>().Current = messageContext;
            context.Services = scope.ServiceProvider;
            context.MessageContext = messageContext;
            pending = next(context);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                return End(context, scope);
            }
        }
        catch (Exception e)
        {
            pending = ValueTask.FromException(e);
        }

        return AwaitThenEndAsync(pending, context, scope);
    }

    private static async ValueTask AwaitThenEndAsync(ValueTask pending, ReceiveContext context, AsyncServiceScope scope)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            await End(context, scope).ConfigureAwait(false);
        }
    }

    private static ValueTask End(ReceiveContext context, AsyncServiceScope scope)
    {
        context.Services = null;
        context.MessageContext = null;
        return scope.DisposeAsync();
    }
}
