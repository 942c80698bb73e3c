using Switchboard.Messages;

namespace Switchboard.Sagas;

/// <summary>The <see cref="ISagaContext{TState}"/> of one invocation: the message context plus the instance.</summary>
internal sealed class SagaContext<TState>(IMessageContext inner, TState state, string key, bool isNew) : ISagaContext<TState>
    where TState : class, new()
{
    public TState State { get; } = state;

    public string Key { get; } = key;

    public bool IsNew { get; } = isNew;

    public bool IsCompleted { get; private set; }

    public Envelope Envelope => inner.Envelope;

    public string Endpoint => inner.Endpoint;

    public int DeliveryCount => inner.DeliveryCount;

    public void Complete() => IsCompleted = true;

    public ValueTask RequestTimeoutAsync<TTimeout>(TTimeout message, TimeSpan delay, CancellationToken cancellationToken = default)
        where TTimeout : notnull =>
        inner.SendAsync(message, new SendOptions { Destination = inner.Endpoint, Delay = delay }, cancellationToken);

    public ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        inner.SendAsync(message, options, cancellationToken);

    public ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        inner.PublishAsync(message, options, cancellationToken);
}
