using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>The ordered endpoint's topology and permissions as data, without a broker.</summary>
public sealed class OrderedDescriptionTests
{
    private static readonly RabbitMqTransportOptions Options = new() { Uri = new Uri("amqp://localhost"), Partitions = 3 };

    [Fact]
    public void An_ordered_endpoint_has_partitions_instead_of_its_queue_and_one_binding_per_slot()
    {
        var topology = RabbitMqTopology.Endpoint(new EndpointDeclaration("ledger", ["tests.entry.v1"]) { Ordered = true }, Options with { QueueType = RabbitMqQueueType.Classic });

        Assert.Equal(["ledger.p0", "ledger.p1", "ledger.p2", "ledger.parking", "ledger.dlq"], topology.Queues.Select(q => q.Name));
        var partition = topology.Queues[1].Arguments;
        Assert.Equal("quorum", partition["x-queue-type"]);
        Assert.Equal(true, partition["x-single-active-consumer"]);
        Assert.Equal("ledger.dlq", partition["x-dead-letter-routing-key"]);
        Assert.False(partition.ContainsKey("x-delivery-limit"));

        var slots = topology.Bindings.Where(b => b.Source == "sb.order.ledger").ToList();
        Assert.Equal(OrderingNames.Slots, slots.Count);
        Assert.All(slots, b => Assert.Equal(OrderingNames.Partition("ledger", int.Parse((string)b.Arguments![OrderingNames.SlotHeader]!, System.Globalization.CultureInfo.InvariantCulture) % 3), b.Destination));
        Assert.Contains(new TopologyBinding("sb.events", "sb.order.ledger", "tests.entry.v1", ToExchange: true), topology.Bindings);
        Assert.Contains(new TopologyBinding("sb.send.ledger", "sb.order.ledger", "", ToExchange: true), topology.Bindings);
        Assert.Contains(new TopologyBinding("sb.order.ledger.unslotted", "ledger.p0", ""), topology.Bindings);
        Assert.DoesNotContain(topology.Bindings, b => b.Destination == "ledger");
    }

    [Fact]
    public void Combining_an_ordered_endpoint_twice_keeps_one_of_each_object_though_arguments_are_separate_dictionaries()
    {
        var endpoint = new EndpointDeclaration("ledger", ["tests.entry.v1"]) { Ordered = true };
        var once = RabbitMqTopology.Endpoint(endpoint, Options);
        var twice = RabbitMqTopology.Combine([once, RabbitMqTopology.Endpoint(endpoint, Options)]);

        Assert.Equal(once.Bindings.Count, twice.Bindings.Count);
        Assert.Equal(once.Exchanges.Count, twice.Exchanges.Count);
        Assert.NotEqual(
            new TopologyBinding("x", "y", "", Arguments: new Dictionary<string, object?> { ["s"] = "1" }),
            new TopologyBinding("x", "y", "", Arguments: new Dictionary<string, object?> { ["s"] = "2" }));
    }

    [Fact]
    public void A_plain_service_gets_the_permissions_the_docs_show()
    {
        var shipping = new RabbitMqServiceAccess([new EndpointDeclaration("shipping", ["shop.order-created.v1"])], ["shop.order-shipped.v1"], []);
        var permissions = RabbitMqPermissions.For(shipping);

        Assert.Equal(RabbitMqPermissions.Nothing, permissions.Configure);
        Assert.Equal(@"^(sb\.events|sb\.delay|sb\.send\.shipping|sb\.send\.shipping\.dlq)$", permissions.Write);
        Assert.Equal(@"^(shipping|shipping\.dlq)$", permissions.Read);
        Assert.Equal(2, permissions.TopicPermissions.Count);
    }

    [Fact]
    public void An_ordered_service_may_configure_exactly_its_run_time_queues()
    {
        var ledger = new RabbitMqServiceAccess([new EndpointDeclaration("ledger", []) { Ordered = true }], [], []);
        var permissions = RabbitMqPermissions.For(ledger, Options);

        Assert.Equal(@"^(ledger\.parked\.[0-9a-f]{32}|ledger\.members\.[0-9a-f]{32})$", permissions.Configure);
        Assert.Equal(@"^(sb\.delay|sb\.send\.ledger|sb\.send\.ledger\.dlq|sb\.members\.ledger|sb\.parked\.ledger|ledger\.parked\.[0-9a-f]{32}|ledger\.members\.[0-9a-f]{32})$", permissions.Write);
        Assert.Equal(@"^(ledger\.p0|ledger\.p1|ledger\.p2|ledger\.parking|ledger\.dlq|ledger\.parked\.[0-9a-f]{32}|ledger\.members\.[0-9a-f]{32}|sb\.members\.ledger|sb\.parked\.ledger)$", permissions.Read);
        Assert.Contains(new RabbitMqTopicPermission("sb.members.ledger", "^$", "^$"), permissions.TopicPermissions);
        Assert.Contains(new RabbitMqTopicPermission("sb.parked.ledger", @"^(ledger\.parking|ledger\.parked\.[0-9a-f]{32})$", @"^ledger\.parked\.[0-9a-f]{32}$"), permissions.TopicPermissions);
    }
}
