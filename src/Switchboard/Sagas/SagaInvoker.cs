using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Persistence;
using Switchboard.Pipeline;
using Switchboard.Serialization;

namespace Switchboard.Sagas;

/// <summary>
/// Handles one message type for one saga: loads the instance of the message's key in the unit of work, runs the
/// saga's handler and saves the state with the version it loaded. A lost race surfaces as
/// <see cref="ConcurrencyConflictException"/> and the transaction step runs the message again with fresh state.
/// </summary>
internal sealed class SagaInvoker<TSaga, TState, TMessage>(string saga, Func<TMessage, string> keyOf, bool starts, Func<MissingSagaBehavior> whenMissing)
    where TSaga : class
    where TState : class, new()
    where TMessage : notnull
{
    public async ValueTask InvokeAsync(IServiceProvider scope, object message, IMessageContext context, CancellationToken cancellationToken)
    {
        var typed = (TMessage)message;
        var key = keyOf(typed);
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException($"Saga '{saga}': {typeof(TMessage).Name} {context.MessageId} has no correlation key.");
        }

        var transaction = scope.GetRequiredService<UnitOfWork>().Transaction;
        var serializer = scope.GetRequiredService<IMessageSerializer>();
        var record = await LoadAsync(scope, transaction, key, cancellationToken).ConfigureAwait(false);
        if (record is { Completed: true })
        {
            SwitchboardDiagnostics.SagaLateMessages.Add(1, new KeyValuePair<string, object?>("switchboard.saga", saga));
            Ignored(scope, "Saga {Saga} {Key} has completed; {MessageType} {MessageId} is ignored", key, context);
            return;
        }

        if (record is null && !starts)
        {
            if (whenMissing() == MissingSagaBehavior.Ignore)
            {
                Ignored(scope, "No saga {Saga} {Key}; {MessageType} {MessageId} is ignored", key, context);
                return;
            }

            throw new SagaNotFoundException($"No saga '{saga}' with key '{key}' exists, and {typeof(TMessage).Name} does not start one.");
        }

        var state = record is null ? new TState() : (TState)serializer.Deserialize(Encoding.UTF8.GetBytes(record.State), typeof(TState));
        var sagaContext = new SagaContext<TState>(context, state, saga, key, isNew: record is null);
        var handler = (ISagaHandler<TState, TMessage>)scope.GetRequiredService<TSaga>();
        await handler.HandleAsync(typed, sagaContext, cancellationToken).ConfigureAwait(false);

        var expected = record?.Version ?? 0;
        var json = Encoding.UTF8.GetString(serializer.Serialize(state, typeof(TState)).Span);
        await transaction.SaveSagaAsync(new SagaRecord(saga, key, expected + 1, json, sagaContext.IsCompleted), expected, cancellationToken).ConfigureAwait(false);
    }

    // The load may wait on the database: the handler slot is free meanwhile (Concurrency limits handlers, not I/O).
    private ValueTask<SagaRecord?> LoadAsync(IServiceProvider scope, IStoreTransaction transaction, string key, CancellationToken cancellationToken) =>
        scope.GetRequiredService<HandlerSlot>().WithoutSlotAsync(transaction.LoadSagaAsync(saga, key, cancellationToken), cancellationToken);

    private void Ignored(IServiceProvider scope, string template, string key, IMessageContext context)
    {
        var logger = scope.GetService<ILoggerFactory>()?.CreateLogger("Switchboard.Saga." + typeof(TSaga).Name);
        if (logger?.IsEnabled(LogLevel.Information) == true)
        {
#pragma warning disable CA2254 // Two fixed templates, chosen by the caller.
            logger.LogInformation(template, saga, key, context.Envelope.MessageType, context.MessageId);
#pragma warning restore CA2254
        }
    }
}
