using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Xunit.Abstractions;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>Waits a little, so that messages are in flight, and writes each handling into the key's line.</summary>
public sealed class KeyLineHandler(KeyLines lines) : IMessageHandler<Numbered>
{
    public async ValueTask HandleAsync(Numbered message, IMessageContext context, CancellationToken cancellationToken)
    {
        lines.Enter(message.Number);
        try
        {
            await Task.Delay(Random.Shared.Next(3), cancellationToken);
        }
        finally
        {
            lines.Leave(message.Number);
        }
    }
}

/// <summary>
/// The broker restarts while two instances of an ordered endpoint handle keyed messages: they recover by themselves,
/// nothing is lost, no key is handled two at a time, and each key's messages are handled in send order (a message
/// handled but not acknowledged before the restart may be handled again right after itself). Restarts the shared
/// broker: it runs alone (<see cref="BrokerRestartCollection"/>), and disturbs other test runs on the same broker.
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class OrderedBrokerRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Queue = "ordered-restart";
    private const int AtLeast = 3_000;
    private const int Keys = 100;
    private readonly string _vhost = "sb-restart-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IHost> _hosts = [];

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Fact]
    public async Task Every_key_stays_in_send_order_and_nothing_is_lost_when_the_broker_restarts_mid_run()
    {
        var lines = new KeyLines(Keys);
        var first = await StartInstanceAsync(lines);
        await StartInstanceAsync(lines);
        var bus = first.Services.GetRequiredService<IBus>();

        // One message per key at a time, so that each key's are sent in order.
        var run = await ProducerAcrossRestart.RunAsync(AtLeast, batch: Keys, number =>
            bus.SendAsync(new Numbered(number), new SendOptions { Destination = Queue, MessageId = $"ordered-restart-{number}" }));

        var expected = Enumerable.Range(0, run.Sent).ToHashSet();
        await Eventually.UntilAsync(
            () => expected.IsSubsetOf(lines.Handled()),
            "every message to be handled after the restart",
            () => $"{expected.Except(lines.Handled()).Count()} missing: {string.Join(", ", expected.Except(lines.Handled()).Take(30))}",
            TimeSpan.FromSeconds(120));

        output.WriteLine($"{run.Failures} failed send attempt(s) during the restart; {lines.Handlings} handlings of {run.Sent} messages.");
        Assert.True(run.Failures > 0, "The broker restart did not interrupt the producer: the test proved nothing.");
        Assert.Empty(lines.Overlaps);
        var outOfOrder = lines.OutOfOrder(run.Sent);
        Assert.True(outOfOrder.Count == 0, $"{outOfOrder.Count} key(s) out of order:{Environment.NewLine}{string.Join(Environment.NewLine, outOfOrder.Take(10))}");
    }

    private async Task<IHost> StartInstanceAsync(KeyLines lines)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(lines);
        builder.Services.AddSwitchboard(bus => bus
            .Message<Numbered>("tests.numbered.v1")
            .Endpoint(Queue, e => e
                .OrderedBy<Numbered>(n => n.Number % Keys)
                .Handle<Numbered, KeyLineHandler>()
                .Concurrency(4)
                .Prefetch(100))
            .UseRabbitMq(new RabbitMqTransportOptions { Uri = TestBroker.UriFor(_vhost), Heartbeat = TimeSpan.FromSeconds(5) }));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }
}
