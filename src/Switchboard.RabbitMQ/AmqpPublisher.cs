using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Publishes with confirms on a few channels in turn. A publish completes when the broker confirmed it; a nack
/// raises, and a mandatory publish that no queue took becomes <see cref="UnroutableMessageException"/>.
/// </summary>
internal sealed class AmqpPublisher : IAsyncDisposable
{
    private readonly IChannel[] _channels;
    private int _next;

    private AmqpPublisher(IChannel[] channels) => _channels = channels;

    public static async Task<AmqpPublisher> CreateAsync(IConnection connection, RabbitMqTransportOptions options, CancellationToken cancellationToken)
    {
        var channels = new IChannel[Math.Max(1, options.PublishChannels)];
        for (var i = 0; i < channels.Length; i++)
        {
            channels[i] = await connection.CreateChannelAsync(
                new CreateChannelOptions(
                    publisherConfirmationsEnabled: true,
                    publisherConfirmationTrackingEnabled: true,
                    outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(options.MaxOutstandingConfirms)),
                cancellationToken).ConfigureAwait(false);
        }

        return new AmqpPublisher(channels);
    }

    public async ValueTask PublishAsync(string exchange, string routingKey, Envelope envelope, bool mandatory, CancellationToken cancellationToken)
    {
        var channel = _channels[(int)((uint)Interlocked.Increment(ref _next) % (uint)_channels.Length)];
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, AmqpEnvelope.ToProperties(envelope), envelope.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (PublishException e) when (e.IsReturn)
        {
            throw new UnroutableMessageException($"No queue took the message (exchange '{exchange}', routing key '{routingKey}'); no endpoint declared it.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }
}
