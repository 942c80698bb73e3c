using Switchboard.Sagas;

namespace Switchboard.Configuration;

/// <summary>
/// Declares an event-sourced saga on an endpoint: the messages it handles and how each is correlated to its
/// aggregate's id. The saga class implements <see cref="IEventSourcedSaga{TAggregate, TMessage}"/> for each of them.
/// </summary>
public sealed class EventSourcedSagaBuilder<TSaga, TAggregate>
    where TSaga : class
    where TAggregate : class, new()
{
    private readonly EndpointBuilder _endpoint;

    internal EventSourcedSagaBuilder(EndpointBuilder endpoint) => _endpoint = endpoint;

    /// <summary>
    /// <typeparamref name="TMessage"/> goes to the aggregate whose id <paramref name="key"/> gives. Any message may meet
    /// a new aggregate (version 0, nothing in its stream): the saga decides what that means.
    /// </summary>
    public EventSourcedSagaBuilder<TSaga, TAggregate> Handles<TMessage>(Func<TMessage, string> key)
        where TMessage : notnull
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!typeof(IEventSourcedSaga<TAggregate, TMessage>).IsAssignableFrom(typeof(TSaga)))
        {
            throw new InvalidOperationException($"Saga {typeof(TSaga).Name} must implement IEventSourcedSaga<{typeof(TAggregate).Name}, {typeof(TMessage).Name}> to handle {typeof(TMessage).Name}.");
        }

        _endpoint.AddHandler(typeof(TMessage), new EventSourcedSagaInvoker<TSaga, TAggregate, TMessage>(key).InvokeAsync, subscribe: true);
        return this;
    }
}
