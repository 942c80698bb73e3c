using System.Collections.Concurrent;
using System.Diagnostics;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// The transport on RabbitMQ. Events go to a topic exchange routed by message type name; each endpoint owns a
/// durable queue (quorum by default) bound to the types it subscribes to and a dead-letter queue
/// <c>{queue}.dlq</c>; commands go straight to the endpoint's queue through the default exchange. Every publish
/// waits for the broker's confirm; consumers acknowledge manually. The connection recovers by itself; a broker that
/// cannot be reached at start is a <see cref="TransportUnavailableException"/> (the bus keeps trying).
/// </summary>
public sealed class RabbitMqTransport(RabbitMqTransportOptions settings) : ITransport
{
    private readonly ConcurrentDictionary<string, bool> _knownQueues = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _starting = new(1, 1);
    private IConnection? _connection;
    private AmqpPublisher? _publisher;
    private DelayQueues? _delays;
    private RabbitMqDeadLetterQueue? _deadLetters;

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public IDeadLetterQueue DeadLetters => _deadLetters ?? throw NotStarted();

    /// <summary>The publisher; while the connection is down (and being recovered), publishing fails fast with <see cref="TransportUnavailableException"/>.</summary>
    internal AmqpPublisher Publisher =>
        _connection is { IsOpen: false } ? throw new TransportUnavailableException("The connection to RabbitMQ is down; the client is recovering it.")
        : _publisher ?? throw NotStarted();

    private IConnection Connection => _connection ?? throw NotStarted();

    /// <summary>The dead-letter queue of an endpoint queue.</summary>
    public static string DeadLetterQueueOf(string queue) => queue + ".dlq";

    /// <inheritdoc />
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is not null)
            {
                return;
            }

            var factory = CreateConnectionFactory(settings);
            var connection = await ConnectAsync(factory, cancellationToken).ConfigureAwait(false);
            try
            {
                await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    await channel.ExchangeDeclareAsync(settings.EventsExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                _publisher = await AmqpPublisher.CreateAsync(connection, settings, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The next start opens a connection of its own.
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _delays = new DelayQueues(connection);
            _deadLetters = new RabbitMqDeadLetterQueue(connection, _publisher);
            _connection = connection;
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>False while the client recovers a lost connection.</remarks>
    public bool IsConnected => _connection is { IsOpen: true };

    /// <inheritdoc />
    public async ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default)
    {
        await using var channel = await Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var arguments = new Dictionary<string, object?>
        {
            ["x-queue-type"] = settings.QueueType == RabbitMqQueueType.Quorum ? "quorum" : "classic",
            // A message the broker itself gives up on (a quorum delivery limit, a policy) lands in the endpoint's
            // dead-letter queue instead of vanishing.
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = DeadLetterQueueOf(endpoint.Queue),
        };
        await channel.QueueDeclareAsync(DeadLetterQueueOf(endpoint.Queue), durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(endpoint.Queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var topic in endpoint.Topics)
        {
            await channel.QueueBindAsync(endpoint.Queue, settings.EventsExchange, topic, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _knownQueues[endpoint.Queue] = true;
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        var delay = deliverAt - DateTimeOffset.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            // The delay queue dead-letters to the destination later; an unknown destination must fail now, not then.
            await EnsureQueueExistsAsync(queue, cancellationToken).ConfigureAwait(false);
            await SendDelayedAsync(queue, envelope, delay.Value, cancellationToken).ConfigureAwait(false);
            return;
        }

        await Publisher.PublishAsync("", queue, envelope, mandatory: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        var delay = deliverAt - DateTimeOffset.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            var delayQueue = await _delays!.QueueForAsync(settings.EventsExchange, topic, delay.Value, cancellationToken).ConfigureAwait(false);
            await Publisher.PublishAsync("", delayQueue, envelope, mandatory: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        await Publisher.PublishAsync(settings.EventsExchange, topic, envelope, mandatory: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default) =>
        await AmqpReceiver.StartAsync(Connection, queue, options.Prefetch, this, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            await _connection.CloseAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _connection = null;
        _publisher = null;
    }

    internal async ValueTask SendDelayedAsync(string queue, Envelope envelope, TimeSpan delay, CancellationToken cancellationToken)
    {
        var delayQueue = await _delays!.QueueForAsync("", queue, delay, cancellationToken).ConfigureAwait(false);
        await Publisher.PublishAsync("", delayQueue, envelope, mandatory: true, cancellationToken).ConfigureAwait(false);
    }

    // A broker that cannot be reached now is a TransportUnavailableException, which the bus retries; one that refuses
    // the connection (credentials, vhost, certificate) stays the client's BrokerUnreachableException.
    private async Task<IConnection> ConnectAsync(ConnectionFactory factory, CancellationToken cancellationToken)
    {
        try
        {
            return await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException e) when (BrokerReachability.IsUnreachable(e, factory.Ssl.Enabled))
        {
            var port = settings.Uri.Port > 0 ? settings.Uri.Port : factory.Ssl.Enabled ? 5671 : 5672;
            throw new TransportUnavailableException($"RabbitMQ at {settings.Uri.Host}:{port} cannot be reached ({BrokerReachability.Reason(e)}).", e);
        }
    }

    /// <summary>The client's connection factory for <paramref name="settings"/>, TLS included.</summary>
    internal static ConnectionFactory CreateConnectionFactory(RabbitMqTransportOptions settings)
    {
        var factory = new ConnectionFactory
        {
            Uri = settings.Uri,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            RequestedHeartbeat = settings.Heartbeat,
            ClientProvidedName = settings.ConnectionName ?? Process.GetCurrentProcess().ProcessName,
        };
        if (string.Equals(settings.Uri.Scheme, "amqps", StringComparison.OrdinalIgnoreCase))
        {
            // Replaces what the client sets up for an amqps URI, which accepts a certificate for another name.
            factory.Ssl = RabbitMqTls.CreateSslOption(settings.Uri, settings.Tls);
        }
        else if (settings.Tls is not null)
        {
            throw new InvalidOperationException(
                $"RabbitMqTransportOptions.Tls is set, but the URI's scheme is '{settings.Uri.Scheme}': TLS needs an amqps:// URI.");
        }

        return factory;
    }

    private async ValueTask EnsureQueueExistsAsync(string queue, CancellationToken cancellationToken)
    {
        if (_knownQueues.ContainsKey(queue))
        {
            return;
        }

        // A passive declare of a missing queue closes its channel, so it gets a channel of its own.
        await using var channel = await Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            throw new UnroutableMessageException($"Queue '{queue}' does not exist; no endpoint declared it.");
        }

        _knownQueues[queue] = true;
    }

    private static InvalidOperationException NotStarted() => new("The RabbitMQ transport has not been started.");
}
