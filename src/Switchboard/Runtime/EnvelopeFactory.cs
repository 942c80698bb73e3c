using Switchboard.Configuration;
using Switchboard.Messages;

namespace Switchboard.Runtime;

/// <summary>Turns an application message and its options into an <see cref="OutgoingMessage"/>.</summary>
internal sealed class EnvelopeFactory(BusConfiguration configuration, TimeProvider time)
{
    public OutgoingMessage CreateSend(object message, SendOptions? options, Envelope? cause)
    {
        var type = message.GetType();
        var destination = options?.Destination
            ?? (configuration.Routes.TryGetValue(type, out var route) ? route : null)
            ?? throw new InvalidOperationException($"No destination for {type.Name}: pass SendOptions.Destination or configure Route<{type.Name}>(\"queue\").");
        var envelope = Create(message, type, options?.MessageId, options?.CorrelationId, options?.Headers, cause);
        return new OutgoingMessage(OutgoingKind.Send, destination, envelope, DeliverAt(options?.DeliverAt, options?.Delay));
    }

    public OutgoingMessage CreatePublish(object message, PublishOptions? options, Envelope? cause)
    {
        var type = message.GetType();
        if (configuration.Options.OnlyDeclaredPublications && !configuration.Publications.Contains(type))
        {
            throw new InvalidOperationException(
                $"This bus publishes {type.Name}, which it does not declare: add Publishes<{type.Name}>() where the service that publishes it is added to the bus.");
        }

        var envelope = Create(message, type, options?.MessageId, options?.CorrelationId, options?.Headers, cause);
        return new OutgoingMessage(OutgoingKind.Publish, envelope.MessageType, envelope, DeliverAt(options?.DeliverAt, options?.Delay));
    }

    private Envelope Create(object message, Type type, string? messageId, string? correlationId, IReadOnlyDictionary<string, string>? headers, Envelope? cause)
    {
        var name = configuration.Registry.GetName(type);
        if (messageId is not null && string.IsNullOrWhiteSpace(messageId))
        {
            // Receivers dead-letter a message without an id: refuse to send one instead.
            throw new ArgumentException("A message id must not be empty or white space; leave it unset for a new one.", nameof(messageId));
        }

        var id = messageId ?? MessageIds.New();
        return new Envelope
        {
            MessageId = id,
            MessageType = name,
            CorrelationId = correlationId ?? cause?.CorrelationId ?? id,
            CausationId = cause?.MessageId,
            SentAt = time.GetUtcNow(),
            ContentType = configuration.Serializer.ContentType,
            // A copy: the caller may reuse its dictionary, and an in-memory broker keeps this very envelope.
            Headers = headers is null ? Envelope.EmptyHeaders : new Dictionary<string, string>(headers),
            Body = configuration.Serializer.Serialize(message, type),
        };
    }

    private DateTimeOffset? DeliverAt(DateTimeOffset? at, TimeSpan? delay) =>
        at ?? (delay is { } d && d > TimeSpan.Zero ? time.GetUtcNow() + d : null);
}
