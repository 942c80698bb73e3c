using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Xunit.Abstractions;

namespace Switchboard.RabbitMQ.Tests;

public sealed record Numbered(int Number);

/// <summary>Records each message id once (an idempotent endpoint) and counts raw deliveries.</summary>
public sealed class IdempotentRecorder
{
    public ConcurrentDictionary<string, int> Effects { get; } = new();

    public ConcurrentDictionary<int, int> Handled { get; } = new();
}

public sealed class IdempotentNumberHandler(IdempotentRecorder recorder) : IMessageHandler<Numbered>
{
    public ValueTask HandleAsync(Numbered message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (recorder.Effects.TryAdd(context.MessageId, message.Number))
        {
            recorder.Handled.AddOrUpdate(message.Number, 1, (_, n) => n + 1);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The broker restarts in the middle of a run; publishers and consumers recover by themselves.</summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class BrokerRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int AtLeast = 3_000;
    private readonly string _vhost = "sb-restart-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public Task DisposeAsync() => TestBroker.DeleteVhostAsync(_vhost);

    [Fact]
    public async Task Every_confirmed_message_is_handled_once_when_the_broker_restarts_mid_run()
    {
        var recorder = new IdempotentRecorder();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(recorder);
        builder.Services.AddSwitchboard(bus => bus
            .Message<Numbered>("tests.numbered.v1")
            .Endpoint("restart", e => e.Handle<Numbered, IdempotentNumberHandler>())
            .UseRabbitMq(new RabbitMqTransportOptions { Uri = TestBroker.UriFor(_vhost), Heartbeat = TimeSpan.FromSeconds(5) }));
        using var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();

        var confirmed = new ConcurrentBag<int>();
        var run = await ProducerAcrossRestart.RunAsync(AtLeast, batch: 1, async number =>
        {
            await bus.SendAsync(new Numbered(number), new SendOptions { Destination = "restart", MessageId = $"restart-{number}" });
            confirmed.Add(number);
        });

        var wait = Stopwatch.StartNew();
        while (recorder.Handled.Count < run.Sent && wait.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(100);
        }

        output.WriteLine($"{run.Failures} failed send attempt(s) during the restart; {recorder.Handled.Count} of {run.Sent} handled after {wait.Elapsed}.");
        Assert.True(run.Failures > 0, "The broker restart did not interrupt the producer: the test proved nothing.");
        Assert.Equal(Enumerable.Range(0, run.Sent), confirmed.Order());
        Assert.Equal(Enumerable.Range(0, run.Sent), recorder.Handled.Keys.Order());
        Assert.All(recorder.Handled, pair => Assert.Equal(1, pair.Value));
        await host.StopAsync();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerRestartCollection
{
    public const string Name = "broker restart";
}
