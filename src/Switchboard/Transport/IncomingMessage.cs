using Switchboard.Messages;

namespace Switchboard.Transport;

/// <summary>
/// A delivered message and the ways to settle it. Exactly one settlement takes effect; later ones are ignored,
/// and so is a settlement after the receiver was disposed (the message was already returned to the queue).
/// </summary>
public abstract class IncomingMessage
{
    /// <summary>The message as it was sent.</summary>
    public abstract Envelope Envelope { get; }

    /// <summary>
    /// How many times the broker has delivered this message, counting this delivery (1 on the first). After
    /// <see cref="DeferAsync"/> a transport either goes on counting or delivers a new copy whose count starts again at 1
    /// (docs/transports.md says which does which); the retry round travels in the <c>sb-delayed-retries</c> header on every transport.
    /// </summary>
    public abstract int DeliveryCount { get; }

    /// <summary>The queue it came from.</summary>
    public abstract string Queue { get; }

    /// <summary>
    /// Why the transport refuses to have this message handled as <paramref name="messageType"/> (the type the pipeline
    /// read from the envelope or from the CloudEvent it carries), or null (the default). A transport that can tell how a
    /// message reached its queue refuses when the route does not vouch for the type (RabbitMQ: a routing key that does
    /// not match it); the pipeline then dead-letters the message with this reason and runs no handler.
    /// </summary>
    public virtual string? RefusalFor(string messageType) => null;

    /// <summary>Acknowledges: the message is removed from the queue.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Negative acknowledgement: the message becomes deliverable again at once.</summary>
    public abstract ValueTask AbandonAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the message to its queue to be delivered again after <paramref name="delay"/>, carrying
    /// <paramref name="envelope"/> (the same message with updated headers) instead of the original.
    /// </summary>
    public abstract ValueTask DeferAsync(TimeSpan delay, Envelope envelope, CancellationToken cancellationToken = default);

    /// <summary>Moves the message to its queue's dead-letter queue with the reason.</summary>
    public abstract ValueTask DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken = default);
}
