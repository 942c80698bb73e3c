using Switchboard.Messages;

namespace Switchboard.Sagas;

/// <summary>What every kind of saga context does the same way: the message context it wraps, and timeouts sent back to the saga's endpoint, marked with the saga (<paramref name="saga"/>) and its key.</summary>
internal abstract class DelegatingSagaContext(IMessageContext inner, string saga, string key)
{
    public string Key { get; } = key;

    public Envelope Envelope => inner.Envelope;

    public string Endpoint => inner.Endpoint;

    public int DeliveryCount => inner.DeliveryCount;

    // Marked with the saga and its key, so that operators can list an instance's pending timeouts (SagaDescriptor).
    public ValueTask RequestTimeoutAsync<TTimeout>(TTimeout message, TimeSpan delay, CancellationToken cancellationToken = default)
        where TTimeout : notnull =>
        inner.SendAsync(message, new SendOptions
        {
            Destination = inner.Endpoint,
            Delay = delay,
            Headers = new Dictionary<string, string>(StringComparer.Ordinal) { [HeaderNames.Saga] = saga, [HeaderNames.SagaKey] = Key },
        }, cancellationToken);

    public ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        inner.SendAsync(message, options, cancellationToken);

    public ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        inner.PublishAsync(message, options, cancellationToken);
}
