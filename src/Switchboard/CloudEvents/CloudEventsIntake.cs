using Switchboard.Messages;
using Switchboard.Serialization;

namespace Switchboard.CloudEvents;

/// <summary>
/// Publishes a CloudEvent that arrived outside the bus (an HTTP request: <c>MapCloudEvents</c>) as the registered
/// message its <c>type</c> names, under its <c>id</c> as the message id (so a repeated event is a duplicate for the
/// consumers' inboxes), its correlation, and its <c>source</c> and <c>subject</c> as the producer wrote them. What cannot
/// be handled is refused with the reason and publishes nothing.
/// </summary>
public sealed class CloudEventsIntake
{
    private readonly IBus _bus;
    private readonly MessageTypeRegistry _registry;
    private readonly IMessageSerializer _serializer;
    private readonly IReadOnlySet<Type>? _onlyPublishes;

    internal CloudEventsIntake(IBus bus, MessageTypeRegistry registry, IMessageSerializer serializer, IReadOnlySet<Type>? onlyPublishes)
    {
        _bus = bus;
        _registry = registry;
        _serializer = serializer;
        _onlyPublishes = onlyPublishes;
    }

    /// <summary>
    /// Reads <paramref name="received"/> (its attributes as <see cref="CloudEventsHeaders"/>, or a structured body) and
    /// publishes its message. The token names the published message, for reads that want to see it.
    /// </summary>
    public async ValueTask<CloudEventsIntakeResult> PublishAsync(Envelope received, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(received);
        var (envelope, refusal) = CloudEventsDecoder.Decode(received);
        if (refusal is not null)
        {
            return CloudEventsIntakeResult.Refused(refusal);
        }

        if (!envelope.Headers.ContainsKey(CloudEventsHeaders.SpecVersion) && !CloudEventsDecoder.IsStructured(received.ContentType))
        {
            return CloudEventsIntakeResult.Refused("not a CloudEvent: neither CloudEvents attributes nor a structured event");
        }

        if (!_registry.TryGetType(envelope.MessageType, out var type))
        {
            return CloudEventsIntakeResult.Refused($"unknown event type '{CloudEventsDecoder.Quote(envelope.MessageType)}'");
        }

        if (_onlyPublishes is not null && !_onlyPublishes.Contains(type))
        {
            // BusOptions.OnlyDeclaredPublications: a service takes in only the events it may publish itself.
            return CloudEventsIntakeResult.Refused($"this service does not publish '{envelope.MessageType}'");
        }

        object message;
        try
        {
            message = _serializer.Deserialize(envelope.Body, type);
        }
        catch (MessageBodyException e)
        {
            return CloudEventsIntakeResult.Refused(e.Message);
        }

        var headers = envelope.Headers.Where(h => h.Key is CloudEventsHeaders.Source or CloudEventsHeaders.Subject).ToDictionary(StringComparer.Ordinal);
        await _bus.PublishAsync(message, new PublishOptions { MessageId = envelope.MessageId, CorrelationId = envelope.CorrelationId, CausationId = envelope.CausationId, OrderingKey = envelope.Headers.GetValueOrDefault(CloudEventsHeaders.PartitionKey), Headers = headers }, cancellationToken).ConfigureAwait(false);

        return CloudEventsIntakeResult.Published(new ConsistencyToken(null, [envelope.MessageId]));
    }
}

/// <summary>What <see cref="CloudEventsIntake.PublishAsync"/> did: published (with a token for reads), or refused with the reason.</summary>
/// <param name="Token">The token of the published message; null when refused.</param>
/// <param name="Refusal">Why the event was refused; null when published.</param>
public sealed record CloudEventsIntakeResult(ConsistencyToken? Token, string? Refusal)
{
    /// <summary>Published.</summary>
    public static CloudEventsIntakeResult Published(ConsistencyToken token) => new(token, null);

    /// <summary>Refused, with the reason.</summary>
    public static CloudEventsIntakeResult Refused(string reason) => new(null, reason);
}
