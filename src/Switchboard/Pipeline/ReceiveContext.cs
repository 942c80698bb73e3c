using Switchboard.CloudEvents;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Pipeline;

/// <summary>The state of one message travelling through the receive pipeline.</summary>
public sealed class ReceiveContext
{
    private Dictionary<string, object>? _items;

    /// <summary>Creates the context for a delivered message.</summary>
    public ReceiveContext(IncomingMessage incoming, string endpoint, CancellationToken cancellationToken)
    {
        Incoming = incoming;
        Endpoint = endpoint;
        CancellationToken = cancellationToken;
        (Envelope, InvalidCloudEvent) = CloudEventsDecoder.Decode(incoming.Envelope);
    }

    /// <summary>The transport's delivery, with the means to settle it.</summary>
    public IncomingMessage Incoming { get; }

    /// <summary>
    /// The envelope as received; when it came as a CloudEvent (either content mode), the envelope the event stands for:
    /// its id, type, correlation and trace context, and its <c>data</c> as the body (docs/contracts.md, "CloudEvents").
    /// </summary>
    public Envelope Envelope { get; }

    /// <summary>
    /// Why the message is an invalid CloudEvent (a required attribute missing, an unsupported spec version), or null.
    /// The deserialize step dead-letters such a message with this reason; <see cref="Envelope"/> is then the one received.
    /// </summary>
    public string? InvalidCloudEvent { get; }

    /// <summary>The endpoint handling the message.</summary>
    public string Endpoint { get; }

    /// <summary>Cancelled when shutdown stops waiting for in-flight handlers.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The deserialized message; set by the deserialize step.</summary>
    public object? Message { get; set; }

    /// <summary>The registered CLR type of <see cref="Message"/>; set by the deserialize step.</summary>
    public Type? MessageType { get; set; }

    /// <summary>The DI scope of the current handling attempt; set by the scope step.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>The message context handed to handlers in the current attempt; set by the scope step.</summary>
    public MessageContext? MessageContext { get; set; }

    /// <summary>Handling attempts made in this delivery so far (immediate retries count).</summary>
    public int Attempts { get; set; }

    /// <summary>What the acknowledge step will do; <see cref="Pipeline.Settlement.Complete"/> unless a step decides otherwise.</summary>
    public Settlement Settlement { get; private set; }

    /// <summary>Why the message is dead-lettered, when <see cref="Settlement"/> is <see cref="Pipeline.Settlement.DeadLetter"/>.</summary>
    public DeadLetterReason? DeadLetterReason { get; private set; }

    /// <summary>How long to wait before redelivery, when <see cref="Settlement"/> is <see cref="Pipeline.Settlement.Defer"/>.</summary>
    public TimeSpan DeferDelay { get; private set; }

    /// <summary>The envelope to redeliver, when <see cref="Settlement"/> is <see cref="Pipeline.Settlement.Defer"/>.</summary>
    public Envelope? DeferEnvelope { get; private set; }

    /// <summary>The failure that made the message wait for a later delivery, when <see cref="Settlement"/> is <see cref="Pipeline.Settlement.Defer"/>.</summary>
    public Exception? DeferReason { get; private set; }

    /// <summary>Free storage for steps that later features insert.</summary>
    public IDictionary<string, object> Items => _items ??= new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Settles the message into the dead-letter queue.</summary>
    public void DeadLetter(DeadLetterReason reason)
    {
        Settlement = Settlement.DeadLetter;
        DeadLetterReason = reason;
    }

    /// <summary>Settles the message by redelivering <paramref name="envelope"/> after <paramref name="delay"/>, because of <paramref name="reason"/> when a failure is why.</summary>
    public void Defer(TimeSpan delay, Envelope envelope, Exception? reason = null)
    {
        Settlement = Settlement.Defer;
        DeferDelay = delay;
        DeferEnvelope = envelope;
        DeferReason = reason;
    }

    /// <summary>Settles the message by returning it to the queue at once.</summary>
    public void Abandon() => Settlement = Settlement.Abandon;
}
