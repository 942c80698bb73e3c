using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.AsyncApi;
using Switchboard.Configuration;
using Switchboard.Serialization;

namespace Switchboard.Tests.AsyncApi;

/// <summary>The AsyncAPI 3.0 document generated from buses' registrations: channels, operations, messages and their schemas.</summary>
public sealed class AsyncApiDocumentTests
{
    private static readonly AsyncApiInfo Info = new("Payments", "1.2.0") { Description = "Card payments." };

    [Fact]
    public void Queues_and_topics_are_channels_at_the_address_the_transport_uses()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(Buses.Billing), Buses.Configure(Buses.Ledger)]);

        DocumentRules.AssertFollowed(document);
        var channels = document["channels"]!.AsObject();
        Assert.Equal(["billing", "ledger", "tests.card-charged.v1", "tests.charge-card.v1"], channels.Select(c => c.Key));
        Assert.Equal("billing", (string?)channels["billing"]!["address"]);
        Assert.Equal("tests.card-charged.v1", (string?)channels["tests.card-charged.v1"]!["address"]);

        // A queue carries what its endpoint handles; a topic its one message, with the queues that get a copy.
        Assert.Equal(["tests.audit-note.v1", "tests.card-charged.v1"], channels["ledger"]!["messages"]!.AsObject().Select(m => m.Key));
        Assert.Equal("#/components/messages/tests.card-charged.v1", (string?)channels["ledger"]!["messages"]!["tests.card-charged.v1"]!["$ref"]);
        Assert.Equal(["ledger"], channels["tests.card-charged.v1"]!["x-switchboard-subscribers"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(["tests.card-charged.v1"], channels["ledger"]!["x-switchboard-subscriptions"]!.AsArray().Select(s => (string?)s));

        // AuditNote is handled only when sent to the ledger: no topic.
        Assert.False(channels.ContainsKey("tests.audit-note.v1"));
    }

    [Fact]
    public void Routes_and_publications_are_sends_and_endpoints_receive()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(Buses.Billing), Buses.Configure(Buses.Ledger)]);

        var operations = document["operations"]!.AsObject();
        Assert.Equal(["publish.tests.card-charged.v1", "receive.billing", "receive.ledger", "send.tests.charge-card.v1.to.billing"], operations.Select(o => o.Key));
        AssertOperation(operations["publish.tests.card-charged.v1"]!, "send", "tests.card-charged.v1", "tests.card-charged.v1");
        AssertOperation(operations["send.tests.charge-card.v1.to.billing"]!, "send", "billing", "tests.charge-card.v1");
        AssertOperation(operations["receive.billing"]!, "receive", "billing", "tests.charge-card.v1");
        AssertOperation(operations["receive.ledger"]!, "receive", "ledger", "tests.audit-note.v1", "tests.card-charged.v1");
    }

    [Fact]
    public void Each_registered_message_has_the_schema_of_its_body_and_of_its_envelope()
    {
        var bus = Buses.Configure(Buses.Billing);
        var document = AsyncApiDocument.Create(Info, [bus]);

        var messages = document["components"]!["messages"]!.AsObject();
        Assert.Equal(["tests.audit-note.v1", "tests.card-charged.v1", "tests.charge-card.v1"], messages.Select(m => m.Key));
        var charge = messages["tests.charge-card.v1"]!;
        Assert.Equal("tests.charge-card.v1", (string?)charge["name"]);
        Assert.Equal(nameof(ChargeCard), (string?)charge["title"]);
        Assert.Equal("application/json", (string?)charge["contentType"]);
        Assert.True(JsonNode.DeepEquals(((JsonMessageSerializer)bus.Serializer).SchemaOf(typeof(ChargeCard)), charge["payload"]));
        Assert.Equal(["paymentId", "amount", "reference"], charge["payload"]!["required"]!.AsArray().Select(r => (string?)r));

        var headers = charge["headers"]!;
        Assert.Equal("object", (string?)headers["type"]);
        Assert.Equal(["messageId", "messageType", "contentType"], headers["required"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(
            ["messageId", "messageType", "correlationId", "causationId", "traceparent", "tracestate", "sentAt", "contentType", "sb-ordering-key"],
            headers["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("tests.charge-card.v1", (string?)headers["properties"]!["messageType"]!["const"]);
        Assert.Equal("date-time", (string?)headers["properties"]!["sentAt"]!["format"]);
        Assert.Equal("string", (string?)headers["additionalProperties"]!["type"]);
    }

    [Fact]
    public void A_bus_that_only_sends_describes_the_destination_queue_and_its_sends()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(bus => bus.Messages().Route<ChargeCard>("billing").Route<AuditNote>("audit log"))]);

        DocumentRules.AssertFollowed(document);
        var channels = document["channels"]!.AsObject();
        Assert.Equal(["audit_log", "billing"], channels.Select(c => c.Key));
        Assert.Equal("audit log", (string?)channels["audit_log"]!["address"]);
        Assert.Contains("no endpoint of this system consumes it", (string?)channels["billing"]!["description"], StringComparison.Ordinal);
        Assert.Equal(["send.tests.audit-note.v1.to.audit_log", "send.tests.charge-card.v1.to.billing"], document["operations"]!.AsObject().Select(o => o.Key));
    }

    [Fact]
    public void A_bus_that_only_publishes_describes_the_topics_and_no_receiver()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(bus => bus.Messages().Publishes<CardCharged>().Publishes<AuditNote>())]);

        DocumentRules.AssertFollowed(document);
        var channels = document["channels"]!.AsObject();
        Assert.Equal(["tests.audit-note.v1", "tests.card-charged.v1"], channels.Select(c => c.Key));
        Assert.Contains("No queue of this system subscribes to it", (string?)channels["tests.card-charged.v1"]!["description"], StringComparison.Ordinal);
        Assert.Null(channels["tests.card-charged.v1"]!["x-switchboard-subscribers"]);
        Assert.All(document["operations"]!.AsObject(), o => Assert.Equal("send", (string?)o.Value!["action"]));
    }

    [Fact]
    public void A_bus_that_only_receives_has_subscribed_topics_no_one_here_publishes()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(Buses.Ledger)]);

        DocumentRules.AssertFollowed(document);
        Assert.StartsWith("No bus of this system declares it publishes CardCharged", (string?)document["channels"]!["tests.card-charged.v1"]!["description"], StringComparison.Ordinal);
        Assert.Equal(["receive.ledger"], document["operations"]!.AsObject().Select(o => o.Key));
    }

    [Fact]
    public void One_bus_per_service_and_one_bus_with_every_service_give_the_same_document()
    {
        var perService = AsyncApiDocument.Create(Info, [Buses.Configure(Buses.Ledger), Buses.Configure(Buses.Billing)]);
        var together = AsyncApiDocument.Create(Info, [Buses.Configure(bus => { Buses.Billing(bus); bus.Endpoint("ledger", e => e.Handle<CardCharged, Handles<CardCharged>>().Handle<AuditNote, Handles<AuditNote>>(subscribe: false)); })]);

        Assert.Equal(together.ToJsonString(), perService.ToJsonString());
    }

    [Fact]
    public void A_message_two_services_type_differently_is_described_by_the_one_that_sends_it()
    {
        // The ledger reads only the id of what billing publishes (a tolerant reader): the wire carries billing's body.
        var reader = Buses.Configure(bus => bus.Message<ChargedId>("tests.card-charged.v1").Endpoint("ledger", e => e.Handle<ChargedId, Handles<ChargedId>>()));
        var publisher = Buses.Configure(Buses.Billing);

        foreach (var buses in new[] { new[] { reader, publisher }, [publisher, reader] })
        {
            var message = AsyncApiDocument.Create(Info, buses)["components"]!["messages"]!["tests.card-charged.v1"]!;
            Assert.Equal(nameof(CardCharged), (string?)message["title"]);
            Assert.Equal(["paymentId", "at"], message["payload"]!["properties"]!.AsObject().Select(p => p.Key));
        }
    }

    [Fact]
    public void A_recursive_type_refers_to_itself_inside_the_document()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(bus => bus.Message<Comment>("tests.comment.v1").Publishes<Comment>())]);

        DocumentRules.AssertFollowed(document);
        var payload = document["components"]!["messages"]!["tests.comment.v1"]!["payload"]!;
        var references = DocumentRules.References(payload).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.StartsWith("#/components/messages/tests.comment.v1/payload", r, StringComparison.Ordinal));
        Assert.Contains(references, r => DocumentRules.Resolve(document, r) == payload);
    }

    [Fact]
    public void Names_that_are_not_valid_keys_become_keys_and_keep_their_address()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(bus => bus
            .Messages()
            .Publishes<CardCharged>()
            .Endpoint("tests.card-charged.v1", e => e.Handle<CardCharged, Handles<CardCharged>>())
            .Endpoint("eu/orders#1", e => e.Handle<ChargeCard, Handles<ChargeCard>>(subscribe: false))
            .Endpoint("{tenant}", e => e.Handle<AuditNote, Handles<AuditNote>>(subscribe: false)))]);

        DocumentRules.AssertFollowed(document);
        var channels = document["channels"]!.AsObject();
        Assert.Equal("eu/orders#1", (string?)channels["eu_orders_1"]!["address"]);
        Assert.Equal("tests.card-charged.v1", (string?)channels["tests.card-charged.v1"]!["title"]!.GetValue<string>()["Topic ".Length..]);
        Assert.Equal("Queue tests.card-charged.v1", (string?)channels["tests.card-charged.v1-2"]!["title"]);
        Assert.Null(channels["_tenant_"]!["address"]);
        Assert.True(document["operations"]!.AsObject().ContainsKey("receive.tests.card-charged.v1-2"));
    }

    [Fact]
    public void Servers_name_the_broker_and_never_its_credentials()
    {
        var server = AsyncApiServer.FromUri("rabbitmq", new Uri("amqp://shop-order:s3cret@rabbit.internal:5672/shop?heartbeat=30"), "The broker.");
        var document = AsyncApiDocument.Create(Info with { Servers = [server] }, [Buses.Configure(Buses.Billing)]);

        DocumentRules.AssertFollowed(document);
        var rabbit = document["servers"]!["rabbitmq"]!;
        Assert.Equal("rabbit.internal:5672", (string?)rabbit["host"]);
        Assert.Equal("amqp", (string?)rabbit["protocol"]);
        Assert.Equal("/shop", (string?)rabbit["pathname"]);
        Assert.DoesNotContain("s3cret", document.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("shop-order", document.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(AsyncApiServer.FromUri("rabbitmq", new Uri("amqp://guest:guest@localhost/")).Pathname);
        Assert.Throws<ArgumentException>(() => new AsyncApiServer("rabbitmq", "guest:guest@localhost", "amqp"));
        Assert.Throws<ArgumentException>(() => new AsyncApiServer("rabbit mq", "localhost", "amqp"));
    }

    [Fact]
    public void Info_is_the_callers_and_servers_are_left_out_when_there_are_none()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(Buses.Billing)]);

        Assert.Equal("Payments", (string?)document["info"]!["title"]);
        Assert.Equal("1.2.0", (string?)document["info"]!["version"]);
        Assert.Equal("Card payments.", (string?)document["info"]!["description"]);
        Assert.False(document.ContainsKey("servers"));
        Assert.Equal("application/json", (string?)document["defaultContentType"]);
    }

    [Fact]
    public void A_body_another_serializer_writes_is_described_by_its_content_type_only()
    {
        var document = AsyncApiDocument.Create(Info, [Buses.Configure(bus => Buses.Billing(bus.UseSerializer(_ => new TextSerializer())))]);

        var charge = document["components"]!["messages"]!["tests.charge-card.v1"]!;
        Assert.Equal("text/plain", (string?)charge["contentType"]);
        Assert.Equal("text/plain", (string?)charge["headers"]!["properties"]!["contentType"]!["const"]);
        Assert.Null(charge["payload"]!["properties"]);
    }

    [Fact]
    public void The_registered_document_describes_the_applications_bus_and_hands_out_copies()
    {
        var services = new ServiceCollection();
        services.AddSwitchboard(bus => Buses.Billing(bus.UseTransport(_ => throw new InvalidOperationException("not run"))));
        services.AddAsyncApi(Info);
        using var provider = services.BuildServiceProvider();

        var documents = provider.GetRequiredService<AsyncApiDocumentProvider>();
        var document = documents.GetDocument();
        document.Remove("channels");

        Assert.True(JsonNode.DeepEquals(AsyncApiDocument.Create(Info, [provider.GetRequiredService<BusConfiguration>()]), documents.GetDocument()));
        Assert.True(JsonNode.DeepEquals(documents.GetDocument(), JsonNode.Parse(documents.Utf8Json.Span)));
    }

    private static void AssertOperation(JsonNode operation, string action, string channel, params string[] messages)
    {
        Assert.Equal(action, (string?)operation["action"]);
        Assert.Equal("#/channels/" + channel, (string?)operation["channel"]!["$ref"]);
        Assert.Equal(messages.Select(m => $"#/channels/{channel}/messages/{m}"), operation["messages"]!.AsArray().Select(m => (string?)m!["$ref"]));
    }

    private sealed class TextSerializer : IMessageSerializer
    {
        public string ContentType => "text/plain";

        public ReadOnlyMemory<byte> Serialize(object message, Type type) => System.Text.Encoding.UTF8.GetBytes(message.ToString()!);

        public object Deserialize(ReadOnlyMemory<byte> body, Type type) => throw new NotSupportedException();
    }
}
