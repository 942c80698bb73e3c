using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.CloudEvents;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Tests.CloudEvents;

/// <summary>
/// Issue 18: what a bus writes is a CloudEvent (binary content mode by default, structured mode or the native envelope
/// by choice, per bus or per endpoint), and a receiver reads all three, from Switchboard or from any CloudEvents SDK;
/// an invalid CloudEvent is dead-lettered with the reason.
/// </summary>
public sealed class CloudEventsTests
{
    private const string Queue = "orders";
    private const string Wire = "tests.order-placed.v1";

    [Fact]
    public async Task By_default_a_sent_message_is_a_binary_mode_CloudEvent_whose_attributes_are_its_fields_and_its_source()
    {
        var network = new InMemoryNetwork();
        await using var raw = await RawQueueAsync(network);
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Configure(o => o with { CloudEventsSource = "/tests/orders" }), network: network);

        await host.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-1", 3), new SendOptions { Destination = Queue, MessageId = "m-1", CorrelationId = "c-1" });

        // In the store of a transport the envelope keeps each attribute once: its fields, and its source beside them.
        var envelope = await raw.NextAsync();
        Assert.Equal(("m-1", Wire, "application/json"), (envelope.MessageId, envelope.MessageType, envelope.ContentType));
        Assert.Equal("/tests/orders", Assert.Single(envelope.Headers, h => h.Key.StartsWith(CloudEventsHeaders.Prefix, StringComparison.Ordinal)).Value);
        Assert.Equal("o-1", JsonNode.Parse(envelope.Body.Span)!["orderId"]!.GetValue<string>());

        // A transport that sends it abroad (RabbitMQ) writes every attribute as a cloudEvents: header.
        var binding = CloudEventsBinding.Headers(envelope with { TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }).ToDictionary();
        Assert.Equal("1.0", binding[CloudEventsHeaders.SpecVersion]);
        Assert.Equal("m-1", binding[CloudEventsHeaders.Id]);
        Assert.Equal(Wire, binding[CloudEventsHeaders.Type]);
        Assert.Equal("c-1", binding[CloudEventsHeaders.CorrelationId]);
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", binding[CloudEventsHeaders.TraceParent]);
        Assert.Equal(envelope.SentAt, DateTimeOffset.Parse(binding[CloudEventsHeaders.Time], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(CloudEventsBinding.Headers(envelope.WithHeaders(binding)));
    }

    [Fact]
    public async Task The_source_defaults_to_the_application_name()
    {
        var network = new InMemoryNetwork();
        await using var raw = await RawQueueAsync(network);
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire), network: network);

        await host.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-1", 3), new SendOptions { Destination = Queue });

        var environment = host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>();
        Assert.Equal("/" + environment.ApplicationName, (await raw.NextAsync()).Headers[CloudEventsHeaders.Source]);
    }

    [Fact]
    public async Task The_native_format_writes_no_CloudEvents_attributes()
    {
        var network = new InMemoryNetwork();
        await using var raw = await RawQueueAsync(network);
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Configure(o => o with { WireFormat = WireFormat.Native }), network: network);

        await host.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-1", 3), new SendOptions { Destination = Queue });

        var envelope = await raw.NextAsync();
        Assert.DoesNotContain(envelope.Headers.Keys, name => name.StartsWith(CloudEventsHeaders.Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Structured_mode_writes_the_whole_event_as_the_body_with_the_message_as_its_data()
    {
        var network = new InMemoryNetwork();
        await using var raw = await RawQueueAsync(network);
        using var host = await TestHost.StartAsync(
            bus => bus.Message<OrderPlaced>(Wire).Configure(o => o with { WireFormat = WireFormat.CloudEventsStructured, CloudEventsSource = "urn:tests:orders" }),
            network: network);

        await host.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-1", 3), new SendOptions { Destination = Queue, MessageId = "m-1", CorrelationId = "c-1" });

        var envelope = await raw.NextAsync();
        Assert.StartsWith("application/cloudevents+json", envelope.ContentType, StringComparison.Ordinal);
        var json = JsonNode.Parse(envelope.Body.Span)!;
        Assert.Equal("1.0", (string?)json["specversion"]);
        Assert.Equal("m-1", (string?)json["id"]);
        Assert.Equal(Wire, (string?)json["type"]);
        Assert.Equal("urn:tests:orders", (string?)json["source"]);
        Assert.Equal("c-1", (string?)json["correlationid"]);
        Assert.Equal("application/json", (string?)json["datacontenttype"]);
        Assert.Equal("o-1", (string?)json["data"]!["orderId"]);
        Assert.DoesNotContain(envelope.Headers.Keys, name => name.StartsWith(CloudEventsHeaders.Prefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(WireFormat.CloudEventsBinary)]
    [InlineData(WireFormat.CloudEventsStructured)]
    [InlineData(WireFormat.Native)]
    public async Task Every_format_is_handled_with_the_same_message_id_correlation_and_body(WireFormat format)
    {
        var seen = new Seen();
        using var host = await TestHost.StartAsync(
            bus => bus.Message<OrderPlaced>(Wire).Configure(o => o with { WireFormat = format }).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()),
            services => services.AddSingleton(seen));

        await host.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-7", 2), new SendOptions { Destination = Queue, MessageId = "m-7", CorrelationId = "c-7" });

        var handled = await seen.NextAsync();
        Assert.Equal(new OrderPlaced("o-7", 2), handled.Message);
        Assert.Equal("m-7", handled.Context.MessageId);
        Assert.Equal("c-7", handled.Context.CorrelationId);
        Assert.Equal(Wire, handled.Context.Envelope.MessageType);
    }

    [Fact]
    public async Task An_endpoint_chooses_the_format_of_what_its_handlers_send()
    {
        var network = new InMemoryNetwork();
        await using var raw = await RawQueueAsync(network, "shipments");
        using var host = await TestHost.StartAsync(
            bus => bus.Message<OrderPlaced>(Wire).Message<ShipOrder>("tests.ship-order.v1").Route<ShipOrder>("shipments")
                .Endpoint(Queue, e => e.Handle<OrderPlaced, ForwardingHandler>().WireFormat(WireFormat.CloudEventsStructured)),
            network: network);

        await host.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-1", 3), new SendOptions { Destination = Queue, MessageId = "m-1" });

        var forwarded = await raw.NextAsync();
        Assert.StartsWith("application/cloudevents+json", forwarded.ContentType, StringComparison.Ordinal);
        var json = JsonNode.Parse(forwarded.Body.Span)!;
        Assert.Equal("tests.ship-order.v1", (string?)json["type"]);
        Assert.Equal("m-1", (string?)json["causationid"]);
    }

    [Fact]
    public async Task A_binary_CloudEvent_from_another_SDK_without_the_envelope_fields_is_handled()
    {
        var seen = new Seen();
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(seen), network);
        await using var producer = await ProducerAsync(network);

        await producer.SendAsync(Queue, new Envelope
        {
            MessageId = "",
            MessageType = "",
            ContentType = "application/json; charset=utf-8",
            Headers = new Dictionary<string, string>
            {
                [CloudEventsHeaders.SpecVersion] = "1.0",
                [CloudEventsHeaders.Id] = "node-1",
                [CloudEventsHeaders.Source] = "/storefront/node",
                [CloudEventsHeaders.Type] = Wire,
                [CloudEventsHeaders.Time] = "2026-12-06T10:00:00Z",
                [CloudEventsHeaders.CorrelationId] = "conversation-1",
                [CloudEventsHeaders.Subject] = "order/o-9",
            },
            Body = Encoding.UTF8.GetBytes("""{"orderId":"o-9","quantity":1}"""),
        });

        var handled = await seen.NextAsync();
        Assert.Equal(new OrderPlaced("o-9", 1), handled.Message);
        Assert.Equal("node-1", handled.Context.MessageId);
        Assert.Equal("conversation-1", handled.Context.CorrelationId);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), handled.Context.Envelope.SentAt);
        Assert.Equal("/storefront/node", handled.Context.Headers[CloudEventsHeaders.Source]);
        Assert.Equal("order/o-9", handled.Context.Headers[CloudEventsHeaders.Subject]);
    }

    [Fact]
    public async Task A_structured_CloudEvent_from_another_SDK_is_handled_and_its_attributes_are_headers()
    {
        var seen = new Seen();
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(seen), network);
        await using var producer = await ProducerAsync(network);

        await producer.SendAsync(Queue, Structured($$$"""
            {"specversion":"1.0","id":"node-2","source":"/storefront/node","type":"{{{Wire}}}","time":"2026-12-06T10:00:00Z",
             "traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","partnerid":"p-1",
             "datacontenttype":"application/json","data":{"orderId":"o-10","quantity":4}}
            """));

        var handled = await seen.NextAsync();
        Assert.Equal(new OrderPlaced("o-10", 4), handled.Message);
        Assert.Equal("node-2", handled.Context.MessageId);
        Assert.Equal("node-2", handled.Context.CorrelationId ?? "node-2");
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", handled.Context.Envelope.TraceParent);
        Assert.Equal("/storefront/node", handled.Context.Headers[CloudEventsHeaders.Source]);
        Assert.Equal("p-1", handled.Context.Headers[CloudEventsHeaders.Prefix + "partnerid"]);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"x-1","type":"tests.order-placed.v1","data":{"orderId":"o","quantity":1}}""", "missing required attributes: source")]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"tests.order-placed.v1","data":{"orderId":"o","quantity":1}}""", "invalid CloudEvent")]
    [InlineData("""{"specversion":"0.3","id":"x-3","source":"/s","type":"tests.order-placed.v1","data":{}}""", "invalid CloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"x-4","source":"/s","type":"tests.order-placed.v1","data":""", "invalid CloudEvent")]
    public async Task An_invalid_structured_CloudEvent_is_dead_lettered_with_the_reason(string body, string reason)
    {
        var seen = new Seen();
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(seen), network);
        await using var producer = await ProducerAsync(network);

        await producer.SendAsync(Queue, Structured(body) with { MessageId = "transport-id" });

        var letter = await DeadLetterAsync(host);
        Assert.Contains(reason, letter.Reason, StringComparison.Ordinal);
        Assert.Empty(seen.All);
    }

    [Theory]
    [InlineData(null, "no cloudEvents:specversion")]
    [InlineData("2.0", "spec version '2.0' is not supported")]
    public async Task A_binary_CloudEvent_with_a_missing_or_unknown_spec_version_is_dead_lettered(string? version, string reason)
    {
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(new Seen()), network);
        await using var producer = await ProducerAsync(network);
        var headers = new Dictionary<string, string> { [CloudEventsHeaders.Id] = "b-1", [CloudEventsHeaders.Source] = "/s", [CloudEventsHeaders.Type] = Wire };
        if (version is not null)
        {
            headers[CloudEventsHeaders.SpecVersion] = version;
        }

        // Without fields of its own the envelope is only its attributes (another SDK's): without a spec version it is refused.
        await producer.SendAsync(Queue, new Envelope { MessageId = version is null ? "" : "b-1", MessageType = version is null ? "" : Wire, Headers = headers, Body = Encoding.UTF8.GetBytes("""{"orderId":"o","quantity":1}""") });

        Assert.Contains(reason, (await DeadLetterAsync(host)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_CloudEvent_without_a_source_is_dead_lettered_even_when_the_envelope_is_complete()
    {
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(new Seen()), network);
        await using var producer = await ProducerAsync(network);
        var headers = new Dictionary<string, string> { [CloudEventsHeaders.SpecVersion] = "1.0", [CloudEventsHeaders.Id] = "b-2", [CloudEventsHeaders.Type] = Wire };

        await producer.SendAsync(Queue, new Envelope { MessageId = "b-2", MessageType = Wire, Headers = headers, Body = Encoding.UTF8.GetBytes("""{"orderId":"o","quantity":1}""") });

        Assert.Equal("invalid CloudEvent: missing required attributes: source", (await DeadLetterAsync(host)).Reason);
    }

    [Fact]
    public async Task A_batch_of_CloudEvents_is_dead_lettered()
    {
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(new Seen()), network);
        await using var producer = await ProducerAsync(network);

        await producer.SendAsync(Queue, Structured("[]") with { MessageId = "batch-1", ContentType = "application/cloudevents-batch+json" });

        Assert.Contains("batch", (await DeadLetterAsync(host)).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Native", null)]
    [InlineData("Telepathy", "Switchboard:Bus:WireFormat")]
    public void The_format_is_a_setting_of_the_bus(string value, string? failingKey)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Switchboard:Bus:WireFormat"] = value, ["Switchboard:Bus:CloudEventsSource"] = "/tests" })
            .Build();
        var services = new ServiceCollection();
        void Add() => services.AddSwitchboard(configuration.GetSection("Switchboard"), bus => bus.UseInMemory(new InMemoryNetwork()).Message<OrderPlaced>(Wire));
        if (failingKey is null)
        {
            Add();
            var options = services.BuildServiceProvider().GetRequiredService<BusConfiguration>().Options;
            Assert.Equal(WireFormat.Native, options.WireFormat);
            Assert.Equal("/tests", options.CloudEventsSource);
        }
        else
        {
            var e = Assert.ThrowsAny<Exception>(Add);
            Assert.Contains(failingKey, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_event_taken_in_is_published_under_its_id_correlation_and_source()
    {
        var seen = new Seen();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(seen));
        var intake = host.Services.GetRequiredService<CloudEventsIntake>();

        var result = await intake.PublishAsync(Structured($$$"""
            {"specversion":"1.0","id":"partner-1","source":"/partner","subject":"order/o-11","type":"{{{Wire}}}","correlationid":"deal-1","data":{"orderId":"o-11","quantity":2}}
            """));

        Assert.Null(result.Refusal);
        Assert.Equal(["partner-1"], result.Token!.MessageIds);
        var handled = await seen.NextAsync();
        Assert.Equal(new OrderPlaced("o-11", 2), handled.Message);
        Assert.Equal(("partner-1", "deal-1"), (handled.Context.MessageId, handled.Context.CorrelationId));
        Assert.Equal("/partner", handled.Context.Headers[CloudEventsHeaders.Source]);
        Assert.Equal("order/o-11", handled.Context.Headers[CloudEventsHeaders.Subject]);
    }

    [Fact]
    public async Task What_cannot_be_taken_in_is_refused_with_the_reason_and_publishes_nothing()
    {
        var seen = new Seen();
        using var host = await TestHost.StartAsync(
            bus => bus.Message<OrderPlaced>(Wire).Message<ShipOrder>("tests.ship-order.v1").Publishes<OrderPlaced>().Configure(o => o with { OnlyDeclaredPublications = true })
                .Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()),
            services => services.AddSingleton(seen));
        var intake = host.Services.GetRequiredService<CloudEventsIntake>();

        Assert.Equal("unknown event type 'tests.nobody.v1'", (await intake.PublishAsync(Structured("""{"specversion":"1.0","id":"r-1","source":"/p","type":"tests.nobody.v1","data":{}}"""))).Refusal);
        Assert.Equal("this service does not publish 'tests.ship-order.v1'", (await intake.PublishAsync(Structured("""{"specversion":"1.0","id":"r-2","source":"/p","type":"tests.ship-order.v1","data":{"orderId":"o"}}"""))).Refusal);
        Assert.Contains("quantity", (await intake.PublishAsync(Structured($$$"""{"specversion":"1.0","id":"r-3","source":"/p","type":"{{{Wire}}}","data":{"orderId":"o"}}"""))).Refusal, StringComparison.Ordinal);
        Assert.StartsWith("not a CloudEvent", (await intake.PublishAsync(new Envelope { MessageId = "r-4", MessageType = Wire, Body = Encoding.UTF8.GetBytes("""{"orderId":"o","quantity":1}""") })).Refusal, StringComparison.Ordinal);
        Assert.Empty(seen.All);
    }

    [Fact]
    public async Task The_ordering_key_travels_as_the_partitionkey_extension()
    {
        var network = new InMemoryNetwork();
        await using var raw = await RawQueueAsync(network);
        using var binary = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire), network: network);
        using var structured = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Configure(o => o with { WireFormat = WireFormat.CloudEventsStructured }), network: network);

        await binary.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-1", 3), new SendOptions { Destination = Queue, OrderingKey = "customer-7" });
        await structured.Services.GetRequiredService<IBus>().SendAsync(new OrderPlaced("o-2", 3), new SendOptions { Destination = Queue, OrderingKey = "customer-7" });

        var first = await raw.NextAsync();
        Assert.Equal("customer-7", first.Headers[HeaderNames.OrderingKey]);
        Assert.Equal("customer-7", CloudEventsBinding.Headers(first).ToDictionary()[CloudEventsHeaders.PartitionKey]);
        Assert.Equal("customer-7", (string?)JsonNode.Parse((await raw.NextAsync()).Body.Span)!["partitionkey"]);
    }

    [Fact]
    public async Task A_CloudEvent_from_another_SDK_is_ordered_by_its_partitionkey()
    {
        var seen = new Seen();
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Ordered().Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(seen), network);
        await using var producer = await ProducerAsync(network);

        await producer.SendAsync(Queue, new Envelope
        {
            MessageId = "",
            MessageType = "",
            Headers = new Dictionary<string, string>
            {
                [CloudEventsHeaders.SpecVersion] = "1.0",
                [CloudEventsHeaders.Id] = "node-1",
                [CloudEventsHeaders.Source] = "/storefront/node",
                [CloudEventsHeaders.Type] = Wire,
                [CloudEventsHeaders.PartitionKey] = "order-o-9",
            },
            Body = Encoding.UTF8.GetBytes("""{"orderId":"o-9","quantity":1}"""),
        });
        await producer.SendAsync(Queue, Structured($$$"""
            {"specversion":"1.0","id":"node-2","source":"/storefront/node","type":"{{{Wire}}}","partitionkey":"order-o-10",
             "datacontenttype":"application/json","data":{"orderId":"o-10","quantity":4}}
            """));

        // Two keys: handled side by side, in either order.
        Handled[] both = [await seen.NextAsync(), await seen.NextAsync()];
        Assert.Equal(["o-10", "o-9"], both.Select(h => ((OrderPlaced)h.Message).OrderId).Order(StringComparer.Ordinal));
        Assert.All(both, h => Assert.Equal("order-" + ((OrderPlaced)h.Message).OrderId, h.Context.Headers[HeaderNames.OrderingKey]));
    }

    [Fact]
    public async Task A_partitionkey_longer_than_an_ordering_key_may_be_is_dead_lettered_with_the_reason()
    {
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(bus => bus.Message<OrderPlaced>(Wire).Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>()), services => services.AddSingleton(new Seen()), network);
        await using var producer = await ProducerAsync(network);
        var key = new string('k', OrderingKeys.MaxLength + 1);

        await producer.SendAsync(Queue, Structured($$$"""
            {"specversion":"1.0","id":"node-3","source":"/s","type":"{{{Wire}}}","partitionkey":"{{{key}}}","data":{"orderId":"o","quantity":1}}
            """));

        Assert.Contains("partitionkey has 257 characters", (await DeadLetterAsync(host)).Reason, StringComparison.Ordinal);
    }

    private static Envelope Structured(string json) => new()
    {
        MessageId = "",
        MessageType = "",
        ContentType = "application/cloudevents+json; charset=utf-8",
        Body = Encoding.UTF8.GetBytes(json),
    };

    private static async Task<DeadLetter> DeadLetterAsync(Microsoft.Extensions.Hosting.IHost host)
    {
        var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
        await TestHost.WaitUntilAsync(() => deadLetters.CountAsync(Queue).AsTask().Result == 1, "the message dead-lettered");
        return Assert.Single(await deadLetters.ListAsync(Queue));
    }

    private static async Task<InMemoryTransport> ProducerAsync(InMemoryNetwork network)
    {
        var producer = new InMemoryTransport(network);
        await producer.StartAsync();
        return producer;
    }

    private static async Task<RawQueue> RawQueueAsync(InMemoryNetwork network, string queue = Queue)
    {
        var transport = new InMemoryTransport(network);
        await transport.StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration(queue, []));
        return new RawQueue(transport, await transport.CreateReceiverAsync(queue, new ReceiverOptions(16)));
    }

    /// <summary>A queue no endpoint consumes: the test reads the envelopes exactly as they were written.</summary>
    private sealed class RawQueue(InMemoryTransport transport, ITransportReceiver receiver) : IAsyncDisposable
    {
        public async Task<Envelope> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var incoming = await receiver.ReceiveAsync(timeout.Token);
            await incoming.CompleteAsync();
            return incoming.Envelope;
        }

        public async ValueTask DisposeAsync()
        {
            await receiver.DisposeAsync();
            await transport.DisposeAsync();
        }
    }

    public sealed record OrderPlaced(string OrderId, int Quantity);

    public sealed record ShipOrder(string OrderId);

    private sealed record Handled(object Message, IMessageContext Context);

    private sealed class Seen
    {
        private readonly System.Threading.Channels.Channel<Handled> _handled = System.Threading.Channels.Channel.CreateUnbounded<Handled>();
        private readonly ConcurrentQueue<Handled> _all = new();

        public IReadOnlyCollection<Handled> All => _all;

        public void Add(object message, IMessageContext context)
        {
            var entry = new Handled(message, context);
            _all.Enqueue(entry);
            _handled.Writer.TryWrite(entry);
        }

        public async Task<Handled> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _handled.Reader.ReadAsync(timeout.Token);
        }
    }

    private sealed class OrderPlacedHandler(Seen seen) : IMessageHandler<OrderPlaced>
    {
        public ValueTask HandleAsync(OrderPlaced message, IMessageContext context, CancellationToken cancellationToken)
        {
            seen.Add(message, context);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ForwardingHandler : IMessageHandler<OrderPlaced>
    {
        public ValueTask HandleAsync(OrderPlaced message, IMessageContext context, CancellationToken cancellationToken) =>
            context.SendAsync(new ShipOrder(message.OrderId), cancellationToken: cancellationToken);
    }
}
