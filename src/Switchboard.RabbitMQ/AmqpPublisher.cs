using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Publishes with confirms on a few channels in turn. A publish completes when the broker confirmed it; a nack
/// raises, and a mandatory publish that no queue took becomes <see cref="UnroutableMessageException"/>.
/// </summary>
/// <remarks>
/// The broker closes a channel on a channel-level error, e.g. ACCESS_REFUSED when a least-privilege user publishes
/// what it may not. The failing publish (and those in flight on that channel) raise; the next publish that picks the
/// closed channel, while the connection is up, opens a new one in its place, so one refused message never stops the
/// rest. While the connection is down the client's recovery brings the channels back and publishes fail fast.
/// </remarks>
internal sealed class AmqpPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly RabbitMqTransportOptions _options;
    private readonly IChannel[] _channels;
    private readonly SemaphoreSlim _replacing = new(1, 1);
    private int _next;

    private AmqpPublisher(IConnection connection, RabbitMqTransportOptions options, IChannel[] channels)
    {
        _connection = connection;
        _options = options;
        _channels = channels;
    }

    public static async Task<AmqpPublisher> CreateAsync(IConnection connection, RabbitMqTransportOptions options, CancellationToken cancellationToken)
    {
        var channels = new IChannel[Math.Max(1, options.PublishChannels)];
        for (var i = 0; i < channels.Length; i++)
        {
            channels[i] = await CreateChannelAsync(connection, options, cancellationToken).ConfigureAwait(false);
        }

        return new AmqpPublisher(connection, options, channels);
    }

    public async ValueTask PublishAsync(string exchange, string routingKey, Envelope envelope, bool mandatory, CancellationToken cancellationToken)
    {
        var slot = (int)((uint)Interlocked.Increment(ref _next) % (uint)_channels.Length);
        var channel = Volatile.Read(ref _channels[slot]);
        if (!channel.IsOpen && _connection.IsOpen)
        {
            channel = await ReplaceAsync(slot, channel, cancellationToken).ConfigureAwait(false);
        }

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

        _replacing.Dispose();
    }

    private static Task<IChannel> CreateChannelAsync(IConnection connection, RabbitMqTransportOptions options, CancellationToken cancellationToken) =>
        connection.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(options.MaxOutstandingConfirms)),
            cancellationToken);

    private async ValueTask<IChannel> ReplaceAsync(int slot, IChannel closed, CancellationToken cancellationToken)
    {
        await _replacing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref _channels[slot]);
            if (!ReferenceEquals(current, closed))
            {
                return current;
            }

            var fresh = await CreateChannelAsync(_connection, _options, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _channels[slot], fresh);
            await closed.DisposeAsync().ConfigureAwait(false);
            return fresh;
        }
        finally
        {
            _replacing.Release();
        }
    }
}
