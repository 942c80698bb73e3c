using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>The ordered endpoint's topology and permissions as data, without a broker.</summary>
public sealed class OrderedDescriptionTests
{
    private static readonly RabbitMqTransportOptions Options = new() { Uri = new Uri("amqp://localhost"), Partitions = 4 };

    [Fact]
    public void An_ordered_endpoint_has_partitions_instead_of_its_queue_and_one_binding_per_partition()
    {
        var topology = RabbitMqTopology.Endpoint(new EndpointDeclaration("ledger", ["tests.entry.v1"]) { Ordered = true }, Options with { QueueType = RabbitMqQueueType.Classic });

        Assert.Equal(["ledger.p0", "ledger.p1", "ledger.p2", "ledger.p3", "ledger.parking", "ledger.dlq"], topology.Queues.Select(q => q.Name));
        var partition = topology.Queues[1].Arguments;
        Assert.Equal("quorum", partition["x-queue-type"]);
        Assert.Equal(true, partition["x-single-active-consumer"]);
        Assert.Equal("ledger.dlq", partition["x-dead-letter-routing-key"]);
        Assert.False(partition.ContainsKey("x-delivery-limit"));

        var routes = topology.Bindings.Where(b => b.Source == "sb.order.ledger").ToList();
        Assert.Equal(
            Enumerable.Range(0, 4).Select(i => ($"ledger.p{i}", $"{i}")),
            routes.Select(b => (b.Destination, (string)b.Arguments!["sb-ordering-slot-mod-4"]!)));
        Assert.All(routes, b => Assert.Equal(2, b.Arguments!.Count));
        Assert.Contains(new TopologyBinding("sb.events", "sb.order.ledger", "tests.entry.v1", ToExchange: true), topology.Bindings);
        Assert.Contains(new TopologyBinding("sb.send.ledger", "sb.order.ledger", "", ToExchange: true), topology.Bindings);
        Assert.Contains(new TopologyBinding("sb.order.ledger.unslotted", "ledger.p0", ""), topology.Bindings);
        Assert.DoesNotContain(topology.Bindings, b => b.Destination == "ledger");
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, "sb-ordering-slot-mod-2")]
    [InlineData(128, "sb-ordering-slot-mod-128")]
    [InlineData(256, "sb-ordering-slot")]
    public void The_order_exchange_routes_by_the_header_of_its_partition_count(int partitions, string? header)
    {
        var topology = RabbitMqTopology.Endpoint(new EndpointDeclaration("ledger", []) { Ordered = true }, Options with { Partitions = partitions });

        var routes = topology.Bindings.Where(b => b.Source == "sb.order.ledger").ToList();
        Assert.Equal(partitions, routes.Count);
        for (var i = 0; i < partitions; i++)
        {
            var arguments = routes[i].Arguments!;
            Assert.Equal($"ledger.p{i}", routes[i].Destination);
            Assert.Equal("all", arguments["x-match"]);
            // One partition takes every message: a binding with nothing to match but x-match matches all.
            Assert.Equal(header is null ? [] : [(header, $"{i}")], arguments.Where(a => a.Key != "x-match").Select(a => (a.Key, (string)a.Value!)));
        }
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
        Assert.Equal(@"^(ledger\.p0|ledger\.p1|ledger\.p2|ledger\.p3|ledger\.parking|ledger\.dlq|ledger\.parked\.[0-9a-f]{32}|ledger\.members\.[0-9a-f]{32}|sb\.members\.ledger|sb\.parked\.ledger)$", permissions.Read);
        Assert.Contains(new RabbitMqTopicPermission("sb.members.ledger", "^$", "^$"), permissions.TopicPermissions);
        Assert.Contains(new RabbitMqTopicPermission("sb.parked.ledger", @"^(ledger\.parking|ledger\.parked\.[0-9a-f]{32})$", @"^ledger\.parked\.[0-9a-f]{32}$"), permissions.TopicPermissions);
    }
}
