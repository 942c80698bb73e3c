using Switchboard.Messages;

namespace Switchboard.Transport;

/// <summary>
/// The contract every broker implements. It is deliberately small: declare an endpoint, send to a queue,
/// publish to a topic, receive from a queue, and manage dead letters.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>Short name used in telemetry (<c>messaging.system</c>), e.g. <c>inmemory</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Connects to the broker. Called once before any other member; idempotent, and called again after it failed. When
    /// the broker cannot be reached (down, restarting, out of reach) it throws <see cref="TransportUnavailableException"/>,
    /// and the bus keeps trying in the background; any other exception (credentials or a certificate the broker
    /// refuses, invalid settings) fails the bus's start.
    /// </summary>
    ValueTask StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether the transport is connected to its broker now: false while a lost connection is being recovered. A
    /// transport without a connection to lose (in-memory, an embedded database) is always connected once started.
    /// </summary>
    bool IsConnected => true;

    /// <summary>Declares an endpoint's queue, its dead-letter queue and its topic subscriptions. Idempotent.</summary>
    ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers a message to one queue. Completes when the broker has accepted it (durably, on durable transports).
    /// Throws <see cref="UnroutableMessageException"/> when the queue does not exist.
    /// </summary>
    ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default);

    /// <summary>Delivers a copy of a message to every queue subscribed to the topic; none subscribed is not an error.</summary>
    ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default);

    /// <summary>Starts consuming a queue. Several receivers on one queue compete: each message goes to one of them.</summary>
    ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default);

    /// <summary>Lists, inspects, re-drives and purges the dead letters of this transport's endpoints.</summary>
    IDeadLetterQueue DeadLetters { get; }
}
