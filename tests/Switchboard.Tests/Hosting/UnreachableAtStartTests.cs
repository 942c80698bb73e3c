using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Hosting;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Transport;

namespace Switchboard.Tests.Hosting;

/// <summary>
/// A bus whose broker (or database) cannot be reached when the host starts: the host starts all the same, the bus
/// reports not ready and keeps trying in the background, and consumes once it got through.
/// </summary>
public sealed class UnreachableAtStartTests
{
    private readonly InMemoryNetwork _network = new();
    private readonly Seen _seen = new();
    private readonly RecordingLoggerProvider _logs = new();

    [Fact]
    public async Task A_bus_whose_broker_cannot_be_reached_starts_its_host_reports_not_ready_and_consumes_once_the_broker_is_back()
    {
        var reachable = new Switch();
        var transport = Switchable(() => reachable.On ? null : new TransportUnavailableException("The test broker is down."));
        using var host = Build(bus => bus.Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()).UseTransport(_ => transport));

        await host.StartAsync();
        Assert.Equal(HealthStatus.Unhealthy, (await BusHealthAsync(host)).Status);
        var bus = host.Services.GetRequiredService<IBus>();
        var refused = await Assert.ThrowsAsync<TransportUnavailableException>(() => bus.SendAsync("ping", new Ping(1)).AsTask());
        Assert.Contains("The test broker is down.", refused.Message);
        await TestHost.WaitUntilAsync(() => transport.StartAttempts >= 3, "attempts in the background");

        reachable.On = true;
        await WaitForBusHealthAsync(host, HealthStatus.Healthy);
        await bus.SendAsync("ping", new Ping(2));
        await TestHost.WaitUntilAsync(() => _seen.Entries.Contains("first:2"), "the ping handled");

        // One warning per failed attempt, with the reason and without a stack trace.
        var warnings = _logs.Entries.Where(e => e.Category == "Switchboard.Bus" && e.Level == LogLevel.Warning).ToList();
        Assert.True(warnings.Count >= 3, $"{warnings.Count} warning(s)");
        Assert.All(warnings, w => Assert.Contains("The test broker is down.", w.Message, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Null(w.Exception));
        Assert.DoesNotContain(_logs.Entries, e => e.Category == "Switchboard.Bus" && e.Level >= LogLevel.Error);
        await host.StopAsync();
    }

    [Fact]
    public async Task Stopping_the_host_ends_the_wait_for_the_next_attempt()
    {
        var transport = Switchable(() => new TransportUnavailableException("The test broker is down."));
        using var host = Build(
            bus => bus.Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()).UseTransport(_ => transport),
            new BusOptions { StartRetryDelay = TimeSpan.FromHours(1), MaxStartRetryDelay = TimeSpan.FromHours(1) });
        await host.StartAsync();

        // Waiting out the hour before the second attempt would time this out.
        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, transport.StartAttempts);
    }

    [Fact]
    public async Task A_broker_that_refuses_the_bus_at_the_first_attempt_fails_the_start()
    {
        var transport = Switchable(() => new InvalidOperationException("ACCESS_REFUSED (test)"));
        using var host = Build(bus => bus.Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()).UseTransport(_ => transport));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("ACCESS_REFUSED (test)", failure.Message);
    }

    [Fact]
    public async Task Once_in_the_background_a_refusal_is_logged_as_an_error_and_retried()
    {
        var failures = new ConcurrentQueue<Exception>([new TransportUnavailableException("The test broker is down."), new InvalidOperationException("ACCESS_REFUSED (test)")]);
        var transport = Switchable(() => failures.TryDequeue(out var failure) ? failure : null);
        using var host = Build(bus => bus.Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()).UseTransport(_ => transport));

        await host.StartAsync();
        await WaitForBusHealthAsync(host, HealthStatus.Healthy);

        Assert.Equal(3, transport.StartAttempts);
        var error = Assert.Single(_logs.Entries, e => e.Category == "Switchboard.Bus" && e.Level == LogLevel.Error);
        Assert.Contains("ACCESS_REFUSED (test)", error.Message, StringComparison.Ordinal);
        Assert.Null(error.Exception);
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_up_work_runs_before_any_endpoint_consumes_and_again_until_it_succeeds()
    {
        var runs = 0;
        var done = false;
        _seen.OnPing = (_, _) =>
        {
            _seen.Entries.Enqueue($"work done: {Volatile.Read(ref done)}");
            return Task.CompletedTask;
        };
        using var host = Build(bus => bus
            .Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>())
            .BeforeConsuming((_, _) =>
            {
                if (Interlocked.Increment(ref runs) < 4)
                {
                    throw new StoreUnavailableException("The test database is down.");
                }

                Volatile.Write(ref done, true);
                return Task.CompletedTask;
            }));

        // The queue exists (declared by an earlier run, say) and holds a message before the work could be done.
        _network.Declare("ping", []);
        await host.StartAsync();
        await host.Services.GetRequiredService<IBus>().SendAsync("ping", new Ping(1));
        Assert.Equal(HealthStatus.Unhealthy, (await BusHealthAsync(host)).Status);

        await WaitForBusHealthAsync(host, HealthStatus.Healthy);
        await TestHost.WaitUntilAsync(() => _seen.Entries.Contains("first:1"), "the ping handled");
        Assert.Equal(["work done: True", "first:1"], _seen.Entries);
        Assert.Equal(4, Volatile.Read(ref runs));
        await host.StopAsync();
    }

    /// <summary>
    /// An attempt cut short by the stop may end in any exception (a connect cancelled half way reports the broker
    /// unreachable, say), not only a cancellation: the stop still completes, and the host stops cleanly.
    /// </summary>
    [Fact]
    public async Task An_attempt_that_ends_in_another_exception_when_the_host_stops_does_not_fail_the_stop()
    {
        var attempts = 0;
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = Build(bus => bus
            .Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>())
            .BeforeConsuming(async (_, cancellationToken) =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    throw new StoreUnavailableException("The test database is down.");
                }

                waiting.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    throw new StoreUnavailableException("The test database went away while connecting.");
                }
            }));

        await host.StartAsync();
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, Volatile.Read(ref attempts));
    }

    private SwitchableTransport Switchable(Func<Exception?> startFailure) => new(new InMemoryTransport(_network)) { StartFailure = startFailure };

    private IHost Build(Action<SwitchboardBuilder> configure, BusOptions? options = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton(_seen);
        builder.Services.AddSwitchboard(bus =>
        {
            bus.Message<Ping>("tests.ping.v1").UseInMemory(_network);
            bus.Configure(_ => options ?? new BusOptions { StartRetryDelay = TimeSpan.FromMilliseconds(20), MaxStartRetryDelay = TimeSpan.FromMilliseconds(100) });
            configure(bus);
        });
        return builder.Build();
    }

    private static async Task<HealthReportEntry> BusHealthAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == SwitchboardHealthChecks.Bus);
        return report.Entries[SwitchboardHealthChecks.Bus];
    }

    private static async Task WaitForBusHealthAsync(IHost host, HealthStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await BusHealthAsync(host)).Status != status)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The bus's health did not become {status}: {(await BusHealthAsync(host)).Description}");
            }

            await Task.Delay(10);
        }
    }

    private sealed class Switch
    {
        private volatile bool _on;

        public bool On
        {
            get => _on;
            set => _on = value;
        }
    }
}
