using Microsoft.Extensions.DependencyInjection;
using Switchboard.EventSourcing;
using Switchboard.Pipeline;

namespace Switchboard.Sagas;

/// <summary>
/// Handles one message type for one event-sourced saga: loads the aggregate of the message's key through the unit of
/// work's <see cref="IEventSession"/> and runs the saga's handler; the session appends what the aggregate raised when
/// the unit commits. No state row, no second transaction, no retry loop here: a lost race is the transaction step's.
/// </summary>
internal sealed class EventSourcedSagaInvoker<TSaga, TAggregate, TMessage>(Func<TMessage, string> keyOf)
    where TSaga : class
    where TAggregate : class, new()
    where TMessage : notnull
{
    public async ValueTask InvokeAsync(IServiceProvider scope, object message, IMessageContext context, CancellationToken cancellationToken)
    {
        var typed = (TMessage)message;
        var key = keyOf(typed);
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException($"Saga {typeof(TSaga).Name}: {typeof(TMessage).Name} {context.MessageId} has no correlation key.");
        }

        // The load may wait on the database: the handler slot is free meanwhile (Concurrency limits handlers, not I/O).
        var loading = scope.GetRequiredService<IEventSession>().LoadAsync<TAggregate>(key, cancellationToken);
        var aggregate = await scope.GetRequiredService<HandlerSlot>().WithoutSlotAsync(loading, cancellationToken).ConfigureAwait(false);
        var handler = (IEventSourcedSaga<TAggregate, TMessage>)scope.GetRequiredService<TSaga>();
        await handler.HandleAsync(typed, new EventSourcedSagaContext<TAggregate>(context, aggregate, typeof(TSaga).Name, key), cancellationToken).ConfigureAwait(false);
    }
}
