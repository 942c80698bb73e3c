using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Switchboard;
using Switchboard.Serialization;
using Switchboard.Interop;

namespace Shop.Distributed.Tests;

/// <summary>
/// Issue 18: a client no one here wrote in C# (tests/Interop/cloudevents-interop.mjs: Node.js with amqplib and the
/// cloudevents SDK) places orders in a Shop on RabbitMQ and PostgreSQL by publishing CloudEvents in both content modes,
/// reads Shop's answers as CloudEvents, and publishes invalid ones, which Shop dead-letters with the reason.
/// </summary>
public sealed class CloudEventsInteropTests : IAsyncLifetime
{
    private readonly TestEnvironment _environment = new("cloudevents");

    public Task InitializeAsync() => _environment.InitializeAsync();

    public Task DisposeAsync() => _environment.DisposeAsync();

    [Fact]
    public async Task A_Node_storefront_places_orders_as_CloudEvents_reads_the_answers_as_CloudEvents_and_its_invalid_events_are_dead_lettered()
    {
        var amqp = TestServers.AmqpUriFor(_environment.Vhost);
        var options = new ShopHostOptions
        {
            Transport = ShopTransport.RabbitMq,
            Store = ShopStore.Postgres,
            RabbitMq = amqp,
            Postgres = TestServers.PostgresConnectionFor(_environment.Database, 30),
            DataDirectory = _environment.Directory.FullName,
            Url = "http://127.0.0.1:0",
        };
        await using var app = ShopHost.Build(options, logLevel: LogLevel.Error);
        await app.StartAsync();
        var serializer = app.Services.GetRequiredService<IMessageSerializer>();
        var template = new OrderCreated(
            Guid.Empty,
            "node-customer",
            "node@example.com",
            [new OrderLine("SKU-0003", 1, 12.50m)],
            12.50m,
            "EUR",
            "tok_visa",
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", "GB"),
            DateTimeOffset.UtcNow);

        var run = await NodeScript.RunAsync(
            "cloudevents-interop.mjs",
            [amqp.ToString(), "sb.events", Encoding.UTF8.GetString(serializer.Serialize(template, typeof(OrderCreated)).Span), "90000"],
            new Dictionary<string, string>(),
            TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = JsonDocument.Parse(run.Output).RootElement;
        var published = report.GetProperty("published").EnumerateArray().ToList();
        Assert.Equal(["binary", "structured"], published.Select(p => p.GetProperty("mode").GetString()));
        var received = report.GetProperty("received").EnumerateArray().ToList();
        foreach (var order in published)
        {
            var orderId = order.GetProperty("orderId").GetString();
            var answer = Assert.Single(received, r => r.GetProperty("orderId").GetString() == orderId);
            Assert.Equal("shop.payment-processed.v1", answer.GetProperty("type").GetString());
            Assert.Equal("1.0", answer.GetProperty("specversion").GetString());
            // Shop's answer belongs to the conversation the Node event started.
            Assert.Equal(orderId, answer.GetProperty("correlationid").GetString());
        }

        var deadLetters = app.Services.GetRequiredService<IDeadLetterQueue>();
        IReadOnlyList<DeadLetter> letters = [];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((letters = await deadLetters.ListAsync("payment")).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var reasons = letters.Select(l => l.Reason).ToList();
        Assert.True(reasons.Count == 2, "dead letters of the payment endpoint: " + string.Join(" | ", reasons));
        Assert.Contains(reasons, r => r.Contains("missing required attributes: source", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("invalid CloudEvent", StringComparison.Ordinal) && r.Contains("0.3", StringComparison.Ordinal));
        await app.StopAsync();
    }
}
