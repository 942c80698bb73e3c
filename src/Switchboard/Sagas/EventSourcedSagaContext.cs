namespace Switchboard.Sagas;

/// <summary>The <see cref="IEventSourcedSagaContext{TAggregate}"/> of one invocation: the message context plus the loaded aggregate.</summary>
internal sealed class EventSourcedSagaContext<TAggregate>(IMessageContext inner, TAggregate aggregate, string saga, string key) : DelegatingSagaContext(inner, saga, key), IEventSourcedSagaContext<TAggregate>
    where TAggregate : class, new()
{
    public TAggregate Aggregate { get; } = aggregate;
}
