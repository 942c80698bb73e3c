using Switchboard.Messages;

namespace Switchboard.Testing;

/// <summary>A message the harness saw: its envelope and, when its type is registered, the message itself.</summary>
public abstract record RecordedMessage
{
    /// <summary>The envelope as it travelled (ids, type name, headers, body).</summary>
    public required Envelope Envelope { get; init; }

    /// <summary>The message read from the body as its registered type; null when the type name is unknown or the body unreadable.</summary>
    public object? Message { get; init; }

    /// <summary>The message's id.</summary>
    public string MessageId => Envelope.MessageId;

    /// <summary>The registered type name, e.g. <c>shop.order-created.v1</c>.</summary>
    public string MessageType => Envelope.MessageType;

    /// <summary>The conversation the message belongs to.</summary>
    public string? CorrelationId => Envelope.CorrelationId;

    /// <summary>The id of the message whose handling sent this one; null when the test (or code outside a handler) sent it.</summary>
    public string? CausationId => Envelope.CausationId;

    /// <summary>When the harness saw it, on the harness's clock.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The message as <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidCastException">It is not a <typeparamref name="T"/>.</exception>
    public T As<T>() => Message is T typed
        ? typed
        : throw new InvalidCastException($"Message {MessageId} is a {Message?.GetType().Name ?? "message that could not be read"} ({MessageType}), not a {typeof(T).Name}.");

    /// <summary>One line for failure messages.</summary>
    public abstract string Describe();
}
