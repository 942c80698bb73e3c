namespace Switchboard.Sagas;

/// <summary>
/// An event-sourced saga's reaction to one message type: its state is an aggregate folded from its stream, and its
/// decisions are the events the aggregate raises. Declared with
/// <see cref="Configuration.EndpointBuilder.EventSourcedSaga{TSaga, TAggregate}"/>.
/// </summary>
/// <typeparam name="TAggregate">The aggregate (an <see cref="EventSourcing.Aggregates.Aggregate{TState}"/> registered with <c>EventSourcing(es =&gt; es.Aggregate&lt;TAggregate&gt;(...))</c>).</typeparam>
/// <typeparam name="TMessage">The message handled.</typeparam>
public interface IEventSourcedSaga<TAggregate, in TMessage>
    where TAggregate : class, new()
{
    /// <summary>Runs commands on <see cref="IEventSourcedSagaContext{TAggregate}.Aggregate"/>, sends, publishes or requests timeouts.</summary>
    ValueTask HandleAsync(TMessage message, IEventSourcedSagaContext<TAggregate> saga, CancellationToken cancellationToken);
}
