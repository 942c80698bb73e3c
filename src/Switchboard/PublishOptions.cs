namespace Switchboard;

/// <summary>Options for one publish. All are optional.</summary>
public sealed record PublishOptions
{
    /// <summary>Deliver no earlier than this moment (scheduled publish).</summary>
    public DateTimeOffset? DeliverAt { get; init; }

    /// <summary>Deliver after this delay (scheduled publish). Ignored when <see cref="DeliverAt"/> is set.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>The message id; a new one is generated when null. Empty or white space is refused (<see cref="ArgumentException"/>).</summary>
    public string? MessageId { get; init; }

    /// <summary>The correlation id; inherited inside a handler, else the message id, when null.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>
    /// The id of the message whose handling caused this one; when null, the message being handled (none outside a
    /// handler). Set it where the cause is known but is not being handled here (e.g. an event forwarded from the store).
    /// </summary>
    public string? CausationId { get; init; }

    /// <summary>
    /// The ordering key (<see cref="Messages.HeaderNames.OrderingKey"/>); when null, the one the bus computes for the
    /// message's type, if any. Ordered endpoints handle the messages of one key one at a time, in send order.
    /// </summary>
    public string? OrderingKey { get; init; }

    /// <summary>Extra headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
