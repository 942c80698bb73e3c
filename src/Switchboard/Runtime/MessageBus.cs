namespace Switchboard.Runtime;

/// <summary>The application's bus: sends and publishes go to the transport at once.</summary>
internal sealed class MessageBus(EnvelopeFactory envelopes, Dispatcher dispatcher) : IBus
{
    public ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        dispatcher.DispatchAsync(envelopes.CreateSend(message, options, cause: null), cancellationToken);

    public ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        dispatcher.DispatchAsync(envelopes.CreatePublish(message, options, cause: null), cancellationToken);
}
