using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// One <c>raw-rabbitmq</c> scenario on a broker: a publishing connection with one channel that confirms every
/// publish (the producer's batch of <see cref="BenchmarkSettings.Batch"/> completes when the broker confirmed all
/// of it; four channels used in turn measured no faster here), and a consuming connection with one channel per
/// queue: <c>basic.qos</c> = <see cref="BenchmarkSettings.ProtocolPrefetch"/>, C deliveries dispatched at once, each
/// acknowledged after its handler returned. Setup removes whatever an earlier run left under the same names;
/// disposing removes the queues and the exchange it declared.
/// </summary>
public sealed class RawRabbitMqDriver : IBenchmarkDriver
{
    /// <summary>The kind of queue: quorum, as the Switchboard RabbitMQ transport gives an endpoint by default.</summary>
    public const string QueueType = "quorum";

    // Most unconfirmed publishes before the client throttles: above the window, so it never does.
    private const int OutstandingConfirms = 2 * BenchmarkSettings.Window;

    private static readonly Dictionary<string, object?> QueueArguments = new(StringComparer.Ordinal) { ["x-queue-type"] = QueueType };

    private readonly RawRabbitMqTopology _topology;
    private readonly CurrentRun _run;
    private readonly IConnection _publishing;
    private readonly IConnection _consuming;
    private readonly CachedString _exchange;
    private readonly CachedString _routingKey;
    private readonly ThrottlingRateLimiter _outstandingConfirms = new(OutstandingConfirms);
    private readonly List<(IChannel Channel, string? ConsumerTag)> _consumers = [];
    private IChannel? _publisher;

    private RawRabbitMqDriver(RawRabbitMqTopology topology, CurrentRun run, IConnection publishing, IConnection consuming)
    {
        _topology = topology;
        _run = run;
        _publishing = publishing;
        _consuming = consuming;
        _exchange = new CachedString(topology.Exchange);
        _routingKey = new CachedString(topology.RoutingKey);
    }

    /// <summary>Connects, declares the topology and starts the consumers.</summary>
    public static async Task<RawRabbitMqDriver> StartAsync(RawRabbitMqTopology topology, BenchmarkSettings settings, CurrentRun run, CancellationToken cancellationToken)
    {
        var concurrency = (ushort)Math.Clamp(settings.Consumers, 1, ushort.MaxValue);
        var factory = new ConnectionFactory
        {
            Uri = settings.RabbitMq,
            ConsumerDispatchConcurrency = concurrency,
            // A lost connection fails the run rather than going unnoticed in a recovery.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
        };
        var publishing = await factory.CreateConnectionAsync("switchboard-bench raw-rabbitmq publish", cancellationToken).ConfigureAwait(false);
        IConnection consuming;
        try
        {
            consuming = await factory.CreateConnectionAsync("switchboard-bench raw-rabbitmq consume", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await publishing.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var driver = new RawRabbitMqDriver(topology, run, publishing, consuming);
        try
        {
            await driver.SetUpAsync(concurrency, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await driver.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Console.Error.WriteLine($"# raw-rabbitmq: durable {QueueType} queue(s) {string.Join(", ", topology.Queues)}"
            + (topology.Exchange.Length > 0 ? $" bound to topic exchange {topology.Exchange}" : " via the default exchange")
            + $"; one publishing channel with confirms; one consuming channel per queue, dispatch concurrency {concurrency}");
        return driver;
    }

    /// <inheritdoc />
    public ValueTask StartItemAsync(IItemTracker run, int sequence, CancellationToken cancellationToken)
    {
        var body = _topology.Body(run.IdOf(sequence), sequence);
        // One per publish: with confirmation tracking the client adds its sequence-number header to the properties.
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
        // Mandatory: a publish that no queue takes fails the run (PublishException) instead of vanishing.
        return _publisher!.BasicPublishAsync(_exchange, _routingKey, mandatory: true, properties, body, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> VerifyAsync(RunTracker run, CancellationToken cancellationToken)
    {
        // Every item was handled once; a message still ready in a queue would be one more than the producer sent.
        var problems = new List<string>();
        var channel = await _publishing.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            foreach (var queue in _topology.Queues)
            {
                var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
                if (declared.MessageCount != 0)
                {
                    problems.Add($"queue {queue} still holds {declared.MessageCount} ready messages after the run");
                }
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (channel, consumerTag) in _consumers)
        {
            if (consumerTag is not null)
            {
                await QuietlyAsync($"cancel the consumer on {consumerTag}", () => channel.BasicCancelAsync(consumerTag)).ConfigureAwait(false);
            }

            await CloseAsync(channel).ConfigureAwait(false);
        }

        if (_publisher is not null)
        {
            await CloseAsync(_publisher).ConfigureAwait(false);
        }

        await QuietlyAsync("remove the queues and the exchange", async () =>
        {
            var channel = await _publishing.CreateChannelAsync().ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                await RemoveTopologyAsync(channel, CancellationToken.None).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        foreach (var connection in new[] { _consuming, _publishing })
        {
            await QuietlyAsync("close the connection", () => connection.CloseAsync()).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _outstandingConfirms.DisposeAsync().ConfigureAwait(false);
    }

    private async Task SetUpAsync(ushort concurrency, CancellationToken cancellationToken)
    {
        var admin = await _publishing.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (admin.ConfigureAwait(false))
        {
            // Anything an earlier run left under these names (it crashed before removing them) goes first.
            await RemoveTopologyAsync(admin, cancellationToken).ConfigureAwait(false);
            if (_topology.Exchange.Length > 0)
            {
                await admin.ExchangeDeclareAsync(_topology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            foreach (var queue in _topology.Queues)
            {
                await admin.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: QueueArguments, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (_topology.Exchange.Length > 0)
                {
                    await admin.QueueBindAsync(queue, _topology.Exchange, _topology.RoutingKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // With tracking, BasicPublishAsync completes when the broker confirmed the message and throws on a nack or return.
        _publisher = await _publishing.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: _outstandingConfirms),
            cancellationToken).ConfigureAwait(false);

        for (var slot = 0; slot < _topology.Queues.Count; slot++)
        {
            // The channel's own dispatch concurrency: CreateChannelOptions would otherwise set it to 1.
            var channel = await _consuming.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: concurrency),
                cancellationToken).ConfigureAwait(false);
            var index = _consumers.Count;
            _consumers.Add((channel, null));
            await channel.BasicQosAsync(0, BenchmarkSettings.ProtocolPrefetch, global: false, cancellationToken).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            var deliverySlot = slot;
            consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, deliverySlot);
            var consumerTag = await channel.BasicConsumeAsync(_topology.Queues[slot], autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
            _consumers[index] = (channel, consumerTag);
        }
    }

    // The handler: read the body (valid only until this returns), record the completion, then acknowledge.
    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, int slot)
    {
        try
        {
            _topology.Complete(_run.Tracker, delivery.Body.Span, slot);
        }
        catch (JsonException)
        {
            _run.Tracker.Complete(Guid.Empty, -1, slot);
        }

        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
    }

    private async Task RemoveTopologyAsync(IChannel channel, CancellationToken cancellationToken)
    {
        foreach (var queue in _topology.Queues)
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (_topology.Exchange.Length > 0)
        {
            await channel.ExchangeDeleteAsync(_topology.Exchange, ifUnused: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CloseAsync(IChannel channel)
    {
        await QuietlyAsync("close a channel", () => channel.CloseAsync()).ConfigureAwait(false);
        await channel.DisposeAsync().ConfigureAwait(false);
    }

    // Teardown goes on past a failed step; what failed is reported on stderr.
    private static async Task QuietlyAsync(string what, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"# raw-rabbitmq: could not {what}: {e.GetType().Name}: {e.Message}");
        }
    }
}
