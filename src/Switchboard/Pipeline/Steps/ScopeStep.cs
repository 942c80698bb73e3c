using Microsoft.Extensions.DependencyInjection;
using Switchboard.Runtime;

namespace Switchboard.Pipeline.Steps;

/// <summary>Gives each handling attempt a fresh DI scope and message context.</summary>
internal sealed class ScopeStep(IServiceScopeFactory scopes, EnvelopeFactory envelopes) : IReceiveStep
{
    public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var messageContext = new MessageContext(context, envelopes);
            scope.ServiceProvider.GetRequiredService<MessageContextAccessor>().Current = messageContext;
            context.Services = scope.ServiceProvider;
            context.MessageContext = messageContext;
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Services = null;
            context.MessageContext = null;
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }
}
