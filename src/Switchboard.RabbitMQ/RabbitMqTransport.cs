using System.Collections.Concurrent;
using System.Diagnostics;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Messages;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// The transport on RabbitMQ. Events go to a topic exchange routed by message type name; each endpoint owns a
/// durable queue (quorum by default) bound to the types it subscribes to and a dead-letter queue
/// <c>{queue}.dlq</c>, each with a fanout exchange of its own (<c>sb.send.{queue}</c>) through which commands, retries and dead letters
/// reach it; delayed messages pass through a fixed chain of TTL queues (<see cref="RabbitMqTopology"/>). Every publish
/// waits for the broker's confirm; consumers acknowledge manually. The connection recovers by itself; a broker that
/// cannot be reached at start is a <see cref="TransportUnavailableException"/> (the bus keeps trying).
/// </summary>
/// <param name="settings">The broker and how to use it.</param>
/// <param name="loggerFactory">Where ordered endpoints report parked keys and partitions that start over; none by default.</param>
public sealed class RabbitMqTransport(RabbitMqTransportOptions settings, ILoggerFactory? loggerFactory = null) : IOrderedTransport, IQueueStatistics
{
    // Queues a send may go to, each with its send exchange (made once: a send does not build the name again).
    private readonly ConcurrentDictionary<string, string> _sendExchanges = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _starting = new(1, 1);
    private IConnection? _connection;
    private AmqpPublisher? _publisher;
    private RabbitMqDeadLetterQueue? _deadLetters;
    private OrderedQueues? _orderedQueues;

    /// <inheritdoc />
    public string Name => "rabbitmq";

    /// <inheritdoc />
    public IDeadLetterQueue DeadLetters => _deadLetters ?? throw NotStarted();

    /// <summary>The publisher; while the connection is down (and being recovered), publishing fails fast with <see cref="TransportUnavailableException"/>.</summary>
    internal AmqpPublisher Publisher =>
        _connection is { IsOpen: false } ? throw new TransportUnavailableException("The connection to RabbitMQ is down; the client is recovering it.")
        : _publisher ?? throw NotStarted();

    private IConnection Connection => _connection ?? throw NotStarted();

    private OrderedQueues OrderedQueues => _orderedQueues ?? throw NotStarted();

    /// <inheritdoc />
    /// <remarks>
    /// An ordered endpoint (one this process declared, or whose order exchange exists) has no queue of its name: its
    /// figures are the sum of its partitions' messages (<see cref="RabbitMqTransportOptions.Partitions"/> of them), and the
    /// most consumers any partition has. Every instance consumes every partition (one active, the others waiting), so
    /// that is the number of instances; the active ones are not visible over AMQP.
    /// </remarks>
    public async ValueTask<QueueStatistics?> GetQueueStatisticsAsync(string queue, CancellationToken cancellationToken = default)
    {
        if (OrderedQueues.IsKnownOrdered(queue))
        {
            return await GetPartitionStatisticsAsync(queue, cancellationToken).ConfigureAwait(false);
        }

        await using (var channel = await Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
                return new QueueStatistics(declared.MessageCount, (int)declared.ConsumerCount);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                // No such queue: perhaps an ordered endpoint another process declared.
            }
        }

        return await OrderedQueues.IsOrderedAsync(queue, cancellationToken).ConfigureAwait(false)
            ? await GetPartitionStatisticsAsync(queue, cancellationToken).ConfigureAwait(false)
            : null;
    }

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
                await ProvideAsync(connection, RabbitMqTopology.Events(settings), cancellationToken).ConfigureAwait(false);

                // The delay chain (38 quorum queues, about 150 declarations) with the start, not at the first delayed
                // message: that one is sent after a commit or settles a retry, where the wait cannot be cut short and a
                // stopping endpoint would wait for it.
                await ProvideAsync(connection, RabbitMqTopology.DelayChain(), cancellationToken).ConfigureAwait(false);
                _publisher = await AmqpPublisher.CreateAsync(connection, settings, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The next start opens a connection of its own.
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _orderedQueues = new OrderedQueues(connection);
            _deadLetters = new RabbitMqDeadLetterQueue(connection, _publisher, Loggers.CreateLogger<RabbitMqDeadLetterQueue>(), _orderedQueues);
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
    /// <remarks>
    /// With <see cref="RabbitMqTransportOptions.DeclareTopology"/> off, checks that the endpoint's queues and exchanges
    /// exist instead (a provisioned topology; the user may declare nothing).
    /// </remarks>
    public async ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default)
    {
        await ProvideAsync(Connection, RabbitMqTopology.Endpoint(endpoint, settings), cancellationToken).ConfigureAwait(false);
        await EndpointShapeCheck.WarnOfOldShapeAsync(Connection, endpoint, Loggers.CreateLogger<RabbitMqTransport>(), cancellationToken).ConfigureAwait(false);
        _sendExchanges[endpoint.Queue] = RabbitMqTopology.SendExchange(endpoint.Queue);
        OrderedQueues.Declared(endpoint.Queue, endpoint.Ordered);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A send goes through the queue's own fanout exchange, so that the right to send to a queue is the write permission
    /// on one exchange; a delayed one through the delay chain (<see cref="RabbitMqTopology.DelayChain"/>).
    /// </remarks>
    public async ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        // The first send to a queue checks that it exists: a publish to a missing exchange would close a publishing channel.
        if (!_sendExchanges.TryGetValue(queue, out var exchange))
        {
            exchange = await EnsureSendRouteAsync(queue, cancellationToken).ConfigureAwait(false);
        }

        var delay = deliverAt - DateTimeOffset.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            await SendDelayedAsync(queue, envelope, delay.Value, cancellationToken).ConfigureAwait(false);
            return;
        }

        await Publisher.PublishAsync(exchange, "", envelope, mandatory: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        var delay = deliverAt - DateTimeOffset.UtcNow;
        if (delay > TimeSpan.Zero)
        {
            await PublishDelayedAsync(DelayRoute.For(delay.Value, DelayRoute.Topic, topic), envelope, cancellationToken).ConfigureAwait(false);
            return;
        }

        await Publisher.PublishAsync(settings.EventsExchange, topic, envelope, mandatory: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A receiver of an ordered endpoint consumes each of its partitions on a channel of its own, with
    /// <paramref name="options"/>' prefetch on each partition it is the active consumer of (docs/ordering.md).
    /// </remarks>
    public async ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default) =>
        OrderedQueues.IsKnownOrdered(queue)
            ? await OrderedReceiver.StartAsync(this, Connection, queue, options.Prefetch, cancellationToken).ConfigureAwait(false)
            : await AmqpReceiver.StartAsync(Connection, queue, options.Prefetch, this, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>Read from the endpoint's parking log (a stream) and its parked keys' queues.</remarks>
    public ValueTask<IReadOnlyList<ParkedKey>> ListParkedKeysAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default) =>
        (_deadLetters ?? throw NotStarted()).ListParkedKeysAsync(queue, skip, take, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            try
            {
                await _connection.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or global::RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException or TimeoutException)
            {
                // Gone already, or a broker that does not answer the close: the socket is closed below all the same,
                // and a process that stops does not fail for it.
            }
            finally
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        _connection = null;
        _publisher = null;
    }

    internal RabbitMqTransportOptions Options => settings;

    internal ILoggerFactory Loggers { get; } = loggerFactory ?? NullLoggerFactory.Instance;

    internal ValueTask SendDelayedAsync(string queue, Envelope envelope, TimeSpan delay, CancellationToken cancellationToken) =>
        PublishDelayedAsync(DelayRoute.For(delay, DelayRoute.Queue, queue), envelope, cancellationToken);

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

    private async ValueTask PublishDelayedAsync(string routingKey, Envelope envelope, CancellationToken cancellationToken)
    {
        await Publisher.PublishAsync(RabbitMqTopology.DelayExchange, routingKey, envelope, mandatory: true, cancellationToken).ConfigureAwait(false);
    }

    // Declared, or for a provisioned topology (the user may declare nothing) checked.
    private Task ProvideAsync(IConnection connection, RabbitMqTopology topology, CancellationToken cancellationToken) =>
        settings.DeclareTopology ? DeclareAsync(connection, topology, cancellationToken) : topology.VerifyAsync(connection, cancellationToken);

    private static async Task DeclareAsync(IConnection connection, RabbitMqTopology topology, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await topology.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 403)
        {
            throw new InvalidOperationException(
                $"The broker refused to declare the topology ({e.ShutdownReason.ReplyText}). A least-privilege user declares nothing: "
                + "provision the topology as an administrator (RabbitMqProvisioner, e.g. `shop broker-users`) and set DeclareTopology = false.", e);
        }
    }

    // The queue's send exchange exists: done. Else the queue must exist; declaring the transport adds the send route of a
    // queue that an older version declared without one, a provisioned topology must have it already.
    private async ValueTask<string> EnsureSendRouteAsync(string queue, CancellationToken cancellationToken)
    {
        var exchange = RabbitMqTopology.SendExchange(queue);
        if (!await ExistsAsync(channel => channel.ExchangeDeclarePassiveAsync(exchange, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            if (!settings.DeclareTopology || !await ExistsAsync(channel => channel.QueueDeclarePassiveAsync(queue, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                throw new UnroutableMessageException($"Queue '{queue}' does not exist (or has no exchange of its own); no endpoint declared it.");
            }

            await DeclareAsync(Connection, RabbitMqTopology.SendRoute(queue), cancellationToken).ConfigureAwait(false);
        }

        return _sendExchanges[queue] = exchange;
    }

    // Null when a partition is missing (the endpoint has fewer partitions than this process's Partitions says).
    private async ValueTask<QueueStatistics?> GetPartitionStatisticsAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        long ready = 0;
        var consumers = 0;
        try
        {
            foreach (var partition in OrderedTopology.Partitions(queue, settings.Partitions))
            {
                var declared = await channel.QueueDeclarePassiveAsync(partition, cancellationToken).ConfigureAwait(false);
                ready += declared.MessageCount;
                consumers = Math.Max(consumers, (int)declared.ConsumerCount);
            }
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }

        return new QueueStatistics(ready, consumers);
    }

    private ValueTask<bool> ExistsAsync(Func<IChannel, Task> passiveDeclaration, CancellationToken cancellationToken) =>
        PassiveDeclaration.ExistsAsync(Connection, passiveDeclaration, cancellationToken);

    private static InvalidOperationException NotStarted() => new("The RabbitMQ transport has not been started.");
}
