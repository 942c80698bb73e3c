using Switchboard.CloudEvents;
using Switchboard.Messages;
using Switchboard.Serialization;

namespace Switchboard.Sending;

/// <summary>Turns an application message and its options into an <see cref="OutgoingMessage"/>.</summary>
/// <param name="registry">The message types' names.</param>
/// <param name="serializer">The body serializer.</param>
/// <param name="routes">The default destination of each command type.</param>
/// <param name="onlyPublishes">When not null, the only message types this bus may publish.</param>
/// <param name="time">The clock of <see cref="Envelope.SentAt"/> and delays.</param>
/// <param name="format">How envelopes are written (CloudEvents or native).</param>
/// <param name="source">The CloudEvents <c>source</c> of what this bus sends.</param>
/// <param name="orderingKeys">The ordering keys of the message types that have one.</param>
internal sealed class EnvelopeFactory(
    MessageTypeRegistry registry,
    IMessageSerializer serializer,
    IReadOnlyDictionary<Type, string> routes,
    IReadOnlySet<Type>? onlyPublishes,
    TimeProvider time,
    WireFormat format,
    string source,
    OrderingKeys orderingKeys)
{
    /// <summary>This factory, writing <paramref name="other"/> instead when it is given (an endpoint's own choice).</summary>
    public EnvelopeFactory WithFormat(WireFormat? other) =>
        other is not { } chosen || chosen == format ? this : new EnvelopeFactory(registry, serializer, routes, onlyPublishes, time, chosen, source, orderingKeys);

    public OutgoingMessage CreateSend(object message, SendOptions? options, Envelope? cause)
    {
        var type = message.GetType();
        var destination = options?.Destination
            ?? (routes.TryGetValue(type, out var route) ? route : null)
            ?? throw new InvalidOperationException($"No destination for {type.Name}: pass SendOptions.Destination or configure Route<{type.Name}>(\"queue\").");
        var envelope = Create(message, type, options?.MessageId, options?.CorrelationId, options?.CausationId, options?.OrderingKey, options?.Headers, cause);
        return new OutgoingMessage(OutgoingKind.Send, destination, envelope, DeliverAt(options?.DeliverAt, options?.Delay));
    }

    public OutgoingMessage CreatePublish(object message, PublishOptions? options, Envelope? cause)
    {
        var type = message.GetType();
        if (onlyPublishes is not null && !onlyPublishes.Contains(type))
        {
            throw new InvalidOperationException(
                $"This bus publishes {type.Name}, which it does not declare: add Publishes<{type.Name}>() where the service that publishes it is added to the bus.");
        }

        var envelope = Create(message, type, options?.MessageId, options?.CorrelationId, options?.CausationId, options?.OrderingKey, options?.Headers, cause);
        return new OutgoingMessage(OutgoingKind.Publish, envelope.MessageType, envelope, DeliverAt(options?.DeliverAt, options?.Delay));
    }

    private Envelope Create(object message, Type type, string? messageId, string? correlationId, string? causationId, string? orderingKey, IReadOnlyDictionary<string, string>? headers, Envelope? cause)
    {
        var name = registry.GetName(type);
        if (messageId is not null && string.IsNullOrWhiteSpace(messageId))
        {
            // Receivers dead-letter a message without an id: refuse to send one instead.
            throw new ArgumentException("A message id must not be empty or white space; leave it unset for a new one.", nameof(messageId));
        }

        var id = messageId ?? MessageIds.New();
        return CloudEventsEncoder.Encode(new Envelope
        {
            MessageId = id,
            MessageType = name,
            CorrelationId = correlationId ?? cause?.CorrelationId ?? id,
            CausationId = causationId ?? cause?.MessageId,
            SentAt = time.GetUtcNow(),
            ContentType = serializer.ContentType,
            Headers = Headers(headers, OrderingKeys.Normalize(orderingKey) ?? orderingKeys.Of(message)),
            Body = serializer.Serialize(message, type),
        }, format, source);
    }

    // A copy: the caller may reuse its dictionary, and an in-memory broker keeps this very envelope.
    private static IReadOnlyDictionary<string, string> Headers(IReadOnlyDictionary<string, string>? given, string? orderingKey)
    {
        if (orderingKey is null)
        {
            return given is null ? Envelope.EmptyHeaders : new Dictionary<string, string>(given);
        }

        var headers = given is null ? new Dictionary<string, string>(1) : new Dictionary<string, string>(given);
        headers[HeaderNames.OrderingKey] = orderingKey;
        return headers;
    }

    private DateTimeOffset? DeliverAt(DateTimeOffset? at, TimeSpan? delay) =>
        at ?? (delay is { } d && d > TimeSpan.Zero ? time.GetUtcNow() + d : null);
}
