namespace Switchboard.Sagas;

/// <summary>The <see cref="ISagaContext{TState}"/> of one invocation: the message context plus the instance.</summary>
internal sealed class SagaContext<TState>(IMessageContext inner, TState state, string saga, string key, bool isNew) : DelegatingSagaContext(inner, saga, key), ISagaContext<TState>
    where TState : class, new()
{
    public TState State { get; } = state;

    public bool IsNew { get; } = isNew;

    public bool IsCompleted { get; private set; }

    public void Complete() => IsCompleted = true;
}
