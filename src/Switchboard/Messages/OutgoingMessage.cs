namespace Switchboard.Messages;

/// <summary>Whether an outgoing message goes to one queue or to a topic's subscribers.</summary>
public enum OutgoingKind
{
    /// <summary>A command for one queue.</summary>
    Send,

    /// <summary>An event for every subscriber of a topic.</summary>
    Publish,
}

/// <summary>A message ready for the transport: what, where, and when.</summary>
/// <param name="Kind">Send or publish.</param>
/// <param name="Destination">The queue (send) or topic (publish).</param>
/// <param name="Envelope">The message.</param>
/// <param name="DeliverAt">Deliver no earlier than this; null for now.</param>
public sealed record OutgoingMessage(OutgoingKind Kind, string Destination, Envelope Envelope, DateTimeOffset? DeliverAt);
