using global::RabbitMQ.Client;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Topology;

/// <summary>
/// The exchanges, queues and bindings the transport uses, as data: declared by the transport itself (the default),
/// or once by an administrator (<see cref="RabbitMqProvisioner"/>) for services whose users may declare nothing. One
/// description for both, so a provisioned queue has exactly the arguments the transport would have given it.
/// </summary>
internal sealed class RabbitMqTopology
{
    /// <summary>The entry of the delay chain: a topic exchange whose routing keys name the delay and the destination.</summary>
    public const string DelayExchange = "sb.delay";

    /// <summary>Where the delay chain hands a message on when its time has come: bound to every endpoint queue.</summary>
    public const string DueExchange = "sb.delay.due";

    internal RabbitMqTopology(IReadOnlyList<TopologyExchange> exchanges, IReadOnlyList<TopologyQueue> queues, IReadOnlyList<TopologyBinding> bindings)
    {
        Exchanges = exchanges;
        Queues = queues;
        Bindings = bindings;
    }

    public IReadOnlyList<TopologyExchange> Exchanges { get; }

    public IReadOnlyList<TopologyQueue> Queues { get; }

    public IReadOnlyList<TopologyBinding> Bindings { get; }

    /// <summary>
    /// The fanout exchange through which sends reach <paramref name="queue"/> (<c>sb.send.{queue}</c>). Never the queue's
    /// own name: a service user may read its queues, and RabbitMQ lets whoever may read an exchange bind it to any
    /// exchange it may write (<c>exchange.bind</c> needs no configure permission), which from an exchange named like the
    /// queue would have led into the delay chain past its topic permissions.
    /// </summary>
    public static string SendExchange(string queue) => "sb.send." + queue;

    /// <summary>The exchange and the queue of level <paramref name="level"/> of the delay chain (they share the name).</summary>
    public static string Level(int level) => $"sb.delay.level-{level:D2}";

    /// <summary>The events exchange.</summary>
    public static RabbitMqTopology Events(RabbitMqTransportOptions options) =>
        new([new(options.EventsExchange, ExchangeType.Topic)], [], []);

    /// <summary>
    /// The delay chain: the entry exchange, then per level an exchange that sends a message with digit 1 to the level's
    /// queue (which holds it for 2^level ms, then dead-letters it to the next level) and one with digit 0 straight on.
    /// </summary>
    public static RabbitMqTopology DelayChain()
    {
        var exchanges = new List<TopologyExchange> { new(DelayExchange, ExchangeType.Topic), new(DueExchange, ExchangeType.Topic) };
        var queues = new List<TopologyQueue>();
        var bindings = new List<TopologyBinding> { new(DelayExchange, Level(DelayRoute.Levels - 1), "#", ToExchange: true) };
        for (var level = DelayRoute.Levels - 1; level >= 0; level--)
        {
            var name = Level(level);
            var next = level > 0 ? Level(level - 1) : DueExchange;
            exchanges.Add(new(name, ExchangeType.Topic));
            // Quorum queues that dead-letter at least once: a message passes through one level per 1 in its delay's
            // digits, and a classic queue hands an expired message on at most once (a broker crash in between loses it).
            queues.Add(new(name, new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = 1L << level,
                ["x-dead-letter-exchange"] = next,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            }));
            bindings.Add(new(name, name, DelayRoute.Digit(level, '1')));
            bindings.Add(new(name, next, DelayRoute.Digit(level, '0'), ToExchange: true));
        }

        return new(exchanges, queues, bindings);
    }

    /// <summary>
    /// How sends reach <paramref name="queue"/>: its fanout exchange <see cref="SendExchange"/> bound to it (write
    /// permission on it is the right to send to the queue), and the delay chain's binding for delayed sends to it. For an
    /// <paramref name="ordered"/> endpoint both end in its order exchange instead (<see cref="OrderedTopology"/>).
    /// </summary>
    public static RabbitMqTopology SendRoute(string queue, bool ordered = false)
    {
        ValidateName(queue, "queue");
        var destination = ordered ? OrderedTopology.OrderExchange(queue) : null;
        var target = destination?.Name ?? queue;
        return new(
            [new(SendExchange(queue), ExchangeType.Fanout), new(DueExchange, ExchangeType.Topic), .. destination is null ? Array.Empty<TopologyExchange>() : [destination]],
            [],
            [new(SendExchange(queue), target, "", ToExchange: ordered), new(DueExchange, target, DelayRoute.Any(DelayRoute.Queue, queue), ToExchange: ordered)]);
    }

    /// <summary>
    /// An endpoint: its queue (quorum by default) whose own dead letters go to <c>{queue}.dlq</c>, that dead-letter queue
    /// with its send exchange, the send route, and a binding per topic on the events exchange and on the delay chain. An
    /// ordered endpoint has partition queues behind an order exchange instead of the queue (<see cref="OrderedTopology"/>).
    /// </summary>
    public static RabbitMqTopology Endpoint(EndpointDeclaration endpoint, RabbitMqTransportOptions options)
    {
        var queue = endpoint.Queue;
        var deadLetters = RabbitMqTransport.DeadLetterQueueOf(queue);
        var send = SendRoute(queue, endpoint.Ordered);

        // Where sends, events and due messages end: the queue, or the order exchange that spreads them over the partitions.
        var target = endpoint.Ordered ? Ordering.OrderingNames.OrderExchange(queue) : queue;
        var bindings = new List<TopologyBinding>(send.Bindings) { new(SendExchange(deadLetters), deadLetters, "") };
        foreach (var topic in endpoint.Topics)
        {
            ValidateName(topic, "topic");
            bindings.Add(new(options.EventsExchange, target, topic, ToExchange: endpoint.Ordered));
            bindings.Add(new(DueExchange, target, DelayRoute.Any(DelayRoute.Topic, topic), ToExchange: endpoint.Ordered));
        }

        var exchanges = new List<TopologyExchange> { new(options.EventsExchange, ExchangeType.Topic) };
        exchanges.AddRange(send.Exchanges);
        exchanges.Add(new(SendExchange(deadLetters), ExchangeType.Fanout));
        var queues = new List<TopologyQueue>();
        if (endpoint.Ordered)
        {
            OrderedTopology.Add(queue, DeadLetterArguments(deadLetters), options.Partitions, exchanges, queues, bindings);
        }
        else
        {
            var arguments = DeadLetterArguments(deadLetters);
            arguments["x-queue-type"] = options.QueueType == RabbitMqQueueType.Quorum ? "quorum" : "classic";
            queues.Add(new(queue, arguments));
        }

        queues.Add(new(deadLetters, new Dictionary<string, object?>()));

        // The order exchange comes with the send route and with the partitions alike.
        return new(exchanges.Distinct().ToList(), queues, bindings);
    }

    // A message the broker itself gives up on (a quorum delivery limit, a policy) lands in the endpoint's dead-letter
    // queue instead of vanishing.
    private static Dictionary<string, object?> DeadLetterArguments(string deadLetters) => new()
    {
        ["x-dead-letter-exchange"] = "",
        ["x-dead-letter-routing-key"] = deadLetters,
    };

    /// <summary>Everything in <paramref name="parts"/>, each object once.</summary>
    public static RabbitMqTopology Combine(IEnumerable<RabbitMqTopology> parts)
    {
        var all = parts.ToList();
        return new(
            all.SelectMany(p => p.Exchanges).Distinct().ToList(),
            all.SelectMany(p => p.Queues).DistinctBy(q => q.Name, StringComparer.Ordinal).ToList(),
            all.SelectMany(p => p.Bindings).Distinct().ToList());
    }

    /// <summary>Declares everything (idempotent): exchanges and queues first, then the bindings between them.</summary>
    public async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        foreach (var exchange in Exchanges)
        {
            await channel.ExchangeDeclareAsync(exchange.Name, exchange.Type, durable: true, autoDelete: false, arguments: TopologyArguments.ForClient(exchange.Arguments), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var queue in Queues)
        {
            await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false, arguments: queue.Arguments.Count == 0 ? null : queue.Arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var binding in Bindings)
        {
            if (binding.ToExchange)
            {
                await channel.ExchangeBindAsync(binding.Destination, binding.Source, binding.RoutingKey, TopologyArguments.ForClient(binding.Arguments), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await channel.QueueBindAsync(binding.Destination, binding.Source, binding.RoutingKey, TopologyArguments.ForClient(binding.Arguments), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Checks, without declaring anything, that every exchange and queue exists (a passive declaration needs no
    /// permission); the first one missing fails with its name. Bindings cannot be checked over AMQP.
    /// </summary>
    public async Task VerifyAsync(IConnection connection, CancellationToken cancellationToken)
    {
        // A passive declaration of a missing object closes its channel: one channel for all, and the first miss ends it.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        string? checking = null;
        try
        {
            // Queues first: a missing endpoint is then named by its queue, not by one of its exchanges.
            foreach (var queue in Queues)
            {
                checking = $"queue '{queue.Name}'";
                await channel.QueueDeclarePassiveAsync(queue.Name, cancellationToken).ConfigureAwait(false);
            }

            foreach (var exchange in Exchanges)
            {
                checking = $"exchange '{exchange.Name}'";
                await channel.ExchangeDeclarePassiveAsync(exchange.Name, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (global::RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            throw new InvalidOperationException(
                $"The {checking} does not exist. With DeclareTopology = false the transport declares nothing: an administrator provisions the topology first (RabbitMqProvisioner, e.g. `shop broker-users`).", e);
        }
    }

    // Topic binding keys treat '*' and '#' as wildcards, and a routing key has at most 255 bytes.
    private static void ValidateName(string name, string what)
    {
        if (name.Contains('*', StringComparison.Ordinal) || name.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {what} name '{name}' contains '*' or '#', which RabbitMQ's topic routing reads as wildcards.");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(name) > 255 - DelayRoute.PrefixLength - 2)
        {
            throw new ArgumentException($"The {what} name '{name}' is longer than {255 - DelayRoute.PrefixLength - 2} bytes: with the delay chain's prefix it would not fit a routing key.");
        }
    }
}
