namespace Switchboard.Sending;

/// <summary>The application's bus: sends and publishes go to the transport at once.</summary>
internal sealed class MessageBus(EnvelopeFactory envelopes, Outbound outbound) : IBus
{
    public ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        outbound.DispatchAsync(envelopes.CreateSend(message, options, cause: null), cancellationToken);

    public ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        outbound.DispatchAsync(envelopes.CreatePublish(message, options, cause: null), cancellationToken);
}
