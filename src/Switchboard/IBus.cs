namespace Switchboard;

/// <summary>Sends commands, publishes events and schedules messages. Registered as a singleton.</summary>
public interface IBus
{
    /// <summary>
    /// Sends a command to one endpoint: <see cref="SendOptions.Destination"/> when set, else the endpoint the
    /// message type is routed to. Completes when the transport has accepted it.
    /// </summary>
    ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull;

    /// <summary>Publishes an event to every endpoint subscribed to its type. Completes when the transport has accepted it.</summary>
    ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull;
}
