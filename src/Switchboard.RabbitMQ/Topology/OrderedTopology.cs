using System.Globalization;
using global::RabbitMQ.Client;
using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ.Topology;

/// <summary>
/// What an ordered endpoint <c>Q</c> has instead of its queue (docs/design/rabbitmq-ordering.md): partition queues
/// <c>Q.p{i}</c> (quorum, single active consumer, no delivery limit) behind a headers exchange <c>sb.order.Q</c> that
/// routes by the header <c>sb-ordering-slot-mod-N</c> (the key's slot modulo N) to partition <c>slot mod N</c>; a
/// message without it falls through its alternate exchange to partition 0. Plus the exchanges the instances announce
/// themselves and park keys on (topic exchanges, used as a fanout and as a direct exchange), and the parking log.
/// </summary>
internal static class OrderedTopology
{
    /// <summary>The order exchange of <paramref name="queue"/>, with its alternate exchange for messages without a slot.</summary>
    public static TopologyExchange OrderExchange(string queue) =>
        new(OrderingNames.OrderExchange(queue), ExchangeType.Headers, new Dictionary<string, object?>
        {
            ["alternate-exchange"] = OrderingNames.UnslottedExchange(queue),
        });

    /// <summary>The queues of <paramref name="queue"/>'s partitions, in order.</summary>
    public static IEnumerable<string> Partitions(string queue, int partitions) =>
        Enumerable.Range(0, partitions).Select(i => OrderingNames.Partition(queue, i));

    /// <summary>
    /// Adds <paramref name="queue"/>'s ordered objects: <paramref name="deadLetterArguments"/> are those the plain
    /// endpoint queue would have (its own dead letters to <c>Q.dlq</c>). The send route, the topics' bindings and the
    /// dead-letter queue are the caller's, as for any endpoint, with the order exchange as their destination.
    /// </summary>
    public static void Add(string queue, IReadOnlyDictionary<string, object?> deadLetterArguments, int partitions, List<TopologyExchange> exchanges, List<TopologyQueue> queues, List<TopologyBinding> bindings)
    {
        var order = OrderingNames.OrderExchange(queue);
        var unslotted = OrderingNames.UnslottedExchange(queue);
        var parking = OrderingNames.ParkingExchange(queue);
        var log = OrderingNames.ParkingLog(queue);
        exchanges.Add(OrderExchange(queue));
        exchanges.Add(new(unslotted, ExchangeType.Fanout));
        // Topic exchanges used as a fanout (routing key "") and as a direct exchange (routing key: the queue's name), since
        // the service binds its run-time queues from them and so may read them: only on a topic exchange do topic
        // permissions bound the routing keys that enter (RabbitMqPermissions.For).
        exchanges.Add(new(OrderingNames.MembersExchange(queue), ExchangeType.Topic));
        exchanges.Add(new(parking, ExchangeType.Topic));
        foreach (var partition in Partitions(queue, partitions))
        {
            // Quorum whatever QueueType says: only quorum queues hand a partition over in order (the spike), and no
            // x-delivery-limit: the broker would dead-letter a key's head and deliver the messages behind it.
            var arguments = new Dictionary<string, object?>(deadLetterArguments)
            {
                ["x-queue-type"] = "quorum",
                ["x-single-active-consumer"] = true,
            };
            queues.Add(new(partition, arguments));
        }

        queues.Add(new(log, new Dictionary<string, object?> { ["x-queue-type"] = "stream" }));

        // Explicit bindings, not the consistent-hash exchange: they are durable data, and its ring was seen to move half
        // the keys at a broker restart. One per partition, on the header that names it: the broker tries every binding
        // of a headers exchange for every message, and one per slot (256) cost it 0.9 ms a message (docs/benchmarks.md).
        for (var partition = 0; partition < partitions; partition++)
        {
            var arguments = new Dictionary<string, object?> { ["x-match"] = "all" };
            if (partitions > 1)
            {
                arguments[OrderingNames.PartitionHeader(partitions)] = partition.ToString(CultureInfo.InvariantCulture);
            }

            bindings.Add(new(order, OrderingNames.Partition(queue, partition), "", Arguments: arguments));
        }

        // Another client's message without a slot is ordered with the other such messages rather than dropped.
        bindings.Add(new(unslotted, OrderingNames.Partition(queue, 0), ""));
        bindings.Add(new(parking, log, log));
    }
}
