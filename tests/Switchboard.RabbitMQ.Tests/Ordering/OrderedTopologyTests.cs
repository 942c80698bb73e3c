using System.Text;
using RabbitMQ.Client;
using Switchboard.Messages;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// An ordered endpoint's messages reach the partition of their key's slot by every path into it (send, publish, delayed
/// send, delayed publish), and the slot stamp stays out of the envelope a receiver sees.
/// </summary>
public sealed class OrderedTopologyTests : IAsyncLifetime
{
    private const string Queue = "ordered";
    private const string Topic = "tests.thing-happened.v1";
    private const int Partitions = 4;

    private readonly string _vhost = "sb-ordtopo-" + Guid.NewGuid().ToString("N")[..8];
    private RabbitMqTransport? _transport;
    private PartitionTap? _tap;

    private RabbitMqTransport Transport => _transport!;

    private PartitionTap Tap => _tap!;

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);
        _transport = new RabbitMqTransport(Options());
        await _transport.StartAsync();
        await _transport.DeclareEndpointAsync(new EndpointDeclaration(Queue, [Topic]) { Ordered = true });
        _tap = await PartitionTap.StartAsync(TestBroker.UriFor(_vhost), Queue, Partitions);
    }

    public async Task DisposeAsync()
    {
        if (_tap is not null)
        {
            await _tap.DisposeAsync();
        }

        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Fact]
    public async Task A_send_a_publish_a_delayed_send_and_a_delayed_publish_each_reach_the_partition_of_their_key()
    {
        var sent = Keyed("customer-1");
        var published = Keyed("customer-2");
        var delayedSend = Keyed("customer-3");
        var delayedPublish = Keyed("customer-4");

        await Transport.SendAsync(Queue, sent);
        await Transport.PublishAsync(Topic, published);
        await Transport.SendAsync(Queue, delayedSend, DateTimeOffset.UtcNow.AddMilliseconds(200));
        await Transport.PublishAsync(Topic, delayedPublish, DateTimeOffset.UtcNow.AddMilliseconds(200));

        foreach (var (envelope, key) in new[] { (sent, "customer-1"), (published, "customer-2"), (delayedSend, "customer-3"), (delayedPublish, "customer-4") })
        {
            var (partition, _) = await Tap.ArrivalOfAsync(envelope.MessageId);
            Assert.Equal(OrderingNames.PartitionOf(key, Partitions), partition);
        }
    }

    [Fact]
    public async Task The_same_key_always_lands_in_the_same_partition_and_keys_spread_over_all_of_them()
    {
        var keys = Enumerable.Range(0, 40).Select(i => $"key-{i}").ToList();
        var envelopes = keys.SelectMany(key => Enumerable.Range(0, 3).Select(_ => (key, Envelope: Keyed(key)))).ToList();
        foreach (var (_, envelope) in envelopes)
        {
            await Transport.SendAsync(Queue, envelope);
        }

        var partitionsOfKey = new Dictionary<string, HashSet<int>>();
        foreach (var (key, envelope) in envelopes)
        {
            var (partition, _) = await Tap.ArrivalOfAsync(envelope.MessageId);
            Assert.Equal(OrderingNames.PartitionOf(key, Partitions), partition);
            (partitionsOfKey.TryGetValue(key, out var seen) ? seen : partitionsOfKey[key] = []).Add(partition);
        }

        Assert.All(partitionsOfKey.Values, seen => Assert.Single(seen));
        Assert.Equal(Partitions, partitionsOfKey.Values.SelectMany(p => p).Distinct().Count());
    }

    [Fact]
    public async Task A_message_without_a_key_lands_in_the_partition_of_its_message_id()
    {
        var envelopes = Enumerable.Range(0, 8).Select(_ => Unkeyed()).ToList();
        foreach (var envelope in envelopes)
        {
            await Transport.SendAsync(Queue, envelope);
        }

        foreach (var envelope in envelopes)
        {
            var (partition, properties) = await Tap.ArrivalOfAsync(envelope.MessageId);
            Assert.Equal(OrderingNames.PartitionOf(envelope.MessageId, Partitions), partition);
            Assert.Equal(OrderingNames.SlotOf(envelope.MessageId).ToString(System.Globalization.CultureInfo.InvariantCulture), Text(properties.Headers![OrderingNames.SlotHeader]));
        }
    }

    [Fact]
    public async Task A_message_another_client_publishes_without_a_slot_lands_in_partition_0()
    {
        // Keys whose partition is not 0, so that landing in 0 is the fallback and not the key's own partition.
        var keys = Enumerable.Range(0, 50).Select(i => $"foreign-{i}").Where(k => OrderingNames.PartitionOf(k, Partitions) != 0).Take(3).ToList();
        await using var connection = await new ConnectionFactory { Uri = TestBroker.UriFor(_vhost) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var ids = new List<string>();
        foreach (var key in keys)
        {
            var id = Guid.NewGuid().ToString("N");
            ids.Add(id);
            var properties = new BasicProperties
            {
                MessageId = id,
                Type = "tests.foreign.v1",
                Headers = new Dictionary<string, object?> { [HeaderNames.OrderingKey] = Encoding.UTF8.GetBytes(key) },
            };
            await channel.BasicPublishAsync(RabbitMqTopology.SendExchange(Queue), "", mandatory: true, properties, "{}"u8.ToArray());
        }

        foreach (var id in ids)
        {
            Assert.Equal(0, (await Tap.ArrivalOfAsync(id)).Partition);
        }
    }

    [Fact]
    public async Task The_slot_stamp_is_on_the_wire_but_not_among_the_received_envelopes_headers()
    {
        var envelope = Keyed("customer-9").WithHeader("tenant", "acme");
        await Transport.SendAsync(Queue, envelope);

        var (_, properties) = await Tap.ArrivalOfAsync(envelope.MessageId);
        Assert.Equal(OrderingNames.SlotOf("customer-9").ToString(System.Globalization.CultureInfo.InvariantCulture), Text(properties.Headers![OrderingNames.SlotHeader]));
        var received = AmqpEnvelope.FromDelivery(properties, ReadOnlyMemory<byte>.Empty);
        Assert.False(received.Headers.ContainsKey(OrderingNames.SlotHeader));
        Assert.Equal("customer-9", received.Headers[HeaderNames.OrderingKey]);
        Assert.Equal("acme", received.Headers["tenant"]);
    }

    [Fact]
    public async Task A_free_header_named_like_a_slot_header_does_not_choose_the_partition()
    {
        var key = Enumerable.Range(0, 50).Select(i => $"k-{i}").First(k => OrderingNames.PartitionOf(k, Partitions) != 1);
        var envelope = Keyed(key).WithHeader(OrderingNames.SlotHeader, "1").WithHeader(OrderingNames.PartitionHeader(Partitions), "1");
        await Transport.SendAsync(Queue, envelope);

        Assert.Equal(OrderingNames.PartitionOf(key, Partitions), (await Tap.ArrivalOfAsync(envelope.MessageId)).Partition);
    }

    [Fact]
    public async Task Another_process_sends_to_the_ordered_endpoint_and_reads_its_statistics_without_declaring_it()
    {
        await using var other = new RabbitMqTransport(Options());
        await other.StartAsync();
        var envelope = Keyed("customer-5");
        await other.SendAsync(Queue, envelope);
        await Tap.ArrivalOfAsync(envelope.MessageId);

        // The tap consumes every partition (and acknowledges at once), so nothing waits and each partition has one consumer.
        var statistics = await other.GetQueueStatisticsAsync(Queue);
        Assert.NotNull(statistics);
        Assert.Equal(1, statistics.Consumers);
        Assert.Null(await other.GetQueueStatisticsAsync("no-such-queue"));
        await Assert.ThrowsAsync<UnroutableMessageException>(async () => await other.SendAsync("no-such-queue", Unkeyed()));
    }

    [Fact]
    public async Task Statistics_of_an_ordered_endpoint_add_up_its_partitions()
    {
        await Tap.DisposeAsync();
        _tap = null;
        var envelopes = Enumerable.Range(0, 12).Select(i => Keyed($"waiting-{i}")).ToList();
        foreach (var envelope in envelopes)
        {
            await Transport.SendAsync(Queue, envelope);
        }

        // Quorum queues report a message ready once it is committed: wait for the count, never for a while.
        await using var other = new RabbitMqTransport(Options());
        await other.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        QueueStatistics? statistics;
        while ((statistics = await other.GetQueueStatisticsAsync(Queue))?.Ready != envelopes.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(new QueueStatistics(envelopes.Count, 0), statistics);
        Assert.Equal(new QueueStatistics(envelopes.Count, 0), await Transport.GetQueueStatisticsAsync(Queue));
    }

    [Fact]
    public async Task A_provisioned_ordered_endpoint_is_checked_object_by_object()
    {
        await using var verifying = new RabbitMqTransport(Options() with { DeclareTopology = false });
        await verifying.StartAsync();
        await verifying.DeclareEndpointAsync(new EndpointDeclaration(Queue, [Topic]) { Ordered = true });

        // Eight partitions were never declared: the fifth is missing, and the start names it.
        await using var more = new RabbitMqTransport(Options() with { DeclareTopology = false, Partitions = 8 });
        await more.StartAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await more.DeclareEndpointAsync(new EndpointDeclaration(Queue, [Topic]) { Ordered = true }));
        Assert.Contains($"'{OrderingNames.Partition(Queue, 4)}'", error.Message, StringComparison.Ordinal);
    }

    private static Envelope Keyed(string key) => Unkeyed().WithHeader(HeaderNames.OrderingKey, key);

    private static Envelope Unkeyed() => new()
    {
        MessageId = Guid.NewGuid().ToString("N"),
        MessageType = Topic,
        SentAt = DateTimeOffset.UtcNow,
        Body = "{}"u8.ToArray(),
    };

    private static string? Text(object? value) => value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString();

    private RabbitMqTransportOptions Options() => new() { Uri = TestBroker.UriFor(_vhost), Partitions = Partitions };
}
