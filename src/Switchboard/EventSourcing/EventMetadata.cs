namespace Switchboard.EventSourcing;

/// <summary>
/// What is recorded about an event besides its data: which conversation it belongs to (correlation), what caused it
/// (causation: usually the id of the message or command being handled) and free headers. The event's own id is
/// <see cref="EventData.EventId"/>; the time it was recorded is <see cref="RecordedEvent.Created"/>.
/// </summary>
public sealed record EventMetadata
{
    /// <summary>No metadata.</summary>
    public static EventMetadata Empty { get; } = new();

    /// <summary>The conversation the event belongs to (carried to messages that forward it).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message or command that caused the event.</summary>
    public string? CausationId { get; init; }

    /// <summary>
    /// W3C trace context <c>traceparent</c> of the span that appended the event (an HTTP request, a message's handling),
    /// so that the messages forwarding it continue that trace (<see cref="Subscriptions.BusForwarder"/>).
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>Free application headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
