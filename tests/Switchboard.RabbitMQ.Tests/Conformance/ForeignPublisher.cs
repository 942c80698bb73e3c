using System.Text;
using RabbitMQ.Client;
using Switchboard.Messages;

namespace Switchboard.RabbitMQ.Tests.Conformance;

/// <summary>
/// Publishes an envelope with RabbitMQ.Client alone, as a producer outside the framework (or an outside tester)
/// would: to the queue through the default exchange, with only the properties the envelope has. A null or empty
/// message id is no message-id property at all.
/// </summary>
public static class ForeignPublisher
{
    public static async ValueTask PublishAsync(Uri uri, string queue, Envelope envelope, CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = "foreign-publisher" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var properties = new BasicProperties
        {
            MessageId = string.IsNullOrEmpty(envelope.MessageId) ? null : envelope.MessageId,
            Type = envelope.MessageType,
            CorrelationId = envelope.CorrelationId,
            ContentType = envelope.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = envelope.Headers.Count == 0 ? null : envelope.Headers.ToDictionary(h => h.Key, h => (object?)Encoding.UTF8.GetBytes(h.Value)),
        };
        await channel.BasicPublishAsync("", queue, mandatory: true, properties, envelope.Body, cancellationToken);
    }
}
