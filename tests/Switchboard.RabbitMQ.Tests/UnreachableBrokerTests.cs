using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client.Exceptions;
using Switchboard.Configuration;
using Switchboard.Hosting;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests;

/// <summary>
/// The broker cannot be reached when the bus starts (a closed <see cref="TcpProxy"/> in front of the real broker):
/// the host starts, the bus reports not ready and connects once the broker is reachable.
/// </summary>
public sealed class UnreachableBrokerTests : IAsyncLifetime
{
    private readonly string _vhost = "sb-unreachable-" + Guid.NewGuid().ToString("N")[..8];
    private readonly IdempotentRecorder _recorder = new();

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public Task DisposeAsync() => TestBroker.DeleteVhostAsync(_vhost);

    [Fact]
    public async Task A_bus_started_while_the_broker_is_unreachable_connects_and_handles_messages_once_it_is_reachable()
    {
        await using var proxy = TcpProxy.Closed(TestBroker.AmqpUri.Host, TestBroker.AmqpUri.Port);
        using var host = Build(new UriBuilder(TestBroker.UriFor(_vhost)) { Port = proxy.Port }.Uri);

        await host.StartAsync();
        var health = await HealthAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains($"RabbitMQ at 127.0.0.1:{proxy.Port} cannot be reached", health.Description, StringComparison.Ordinal);
        var bus = host.Services.GetRequiredService<IBus>();
        await Assert.ThrowsAsync<TransportUnavailableException>(() => bus.SendAsync(new Numbered(1), SendOptions.To("unreachable")).AsTask());

        proxy.Open();
        await WaitForHealthAsync(host, HealthStatus.Healthy);
        await bus.SendAsync(new Numbered(2), SendOptions.To("unreachable"));
        await WaitUntilAsync(() => _recorder.Handled.ContainsKey(2), "message 2 handled");

        // Lost and found again: the client recovers the connection, and the health check follows it.
        await proxy.CloseAsync();
        await WaitForHealthAsync(host, HealthStatus.Unhealthy);
        proxy.Open();
        await WaitForHealthAsync(host, HealthStatus.Healthy);
        await SendUntilConfirmedAsync(bus, new Numbered(3));
        await WaitUntilAsync(() => _recorder.Handled.ContainsKey(3), "message 3 handled");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_bus_whose_credentials_the_broker_refuses_fails_to_start()
    {
        var uri = new UriBuilder(TestBroker.UriFor(_vhost)) { Password = "not-the-password" }.Uri;
        using var host = Build(uri);

        var failure = await Assert.ThrowsAsync<BrokerUnreachableException>(() => host.StartAsync());
        Assert.Contains(Causes(failure), e => e is AuthenticationFailureException);
    }

    private IHost Build(Uri uri)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(_recorder);
        builder.Services.AddSwitchboard(bus => bus
            .Message<Numbered>("tests.numbered.v1")
            .Endpoint("unreachable", e => e.Handle<Numbered, IdempotentNumberHandler>())
            .Configure(o => o with { StartRetryDelay = TimeSpan.FromMilliseconds(100), MaxStartRetryDelay = TimeSpan.FromSeconds(1) })
            .UseRabbitMq(new RabbitMqTransportOptions { Uri = uri, Heartbeat = TimeSpan.FromSeconds(5) }));
        return builder.Build();
    }

    // A send right after the connection recovered may still meet a channel that has not: sent again with the same id.
    private static async Task SendUntilConfirmedAsync(IBus bus, Numbered message)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await bus.SendAsync(message, new SendOptions { Destination = "unreachable", MessageId = $"unreachable-{message.Number}" });
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<HealthReportEntry> HealthAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == SwitchboardHealthChecks.Bus)).Entries[SwitchboardHealthChecks.Bus];

    private static async Task WaitForHealthAsync(IHost host, HealthStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HealthReportEntry health;
        while ((health = await HealthAsync(host)).Status != status)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The bus did not become {status}: {health.Description}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
