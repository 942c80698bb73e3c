using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Switchboard.Configuration;
using Switchboard.EventSourcing.Hosting;
using Switchboard.Hosting;
using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Transport;

namespace Switchboard.Tests.Hosting;

/// <summary>The flow health checks and their thresholds: dead-letter growth, outbox age and quarantine, and which checks a bus registers.</summary>
public sealed class FlowHealthCheckTests
{
    [Fact]
    public async Task Dead_letters_gained_within_the_window_make_the_check_degraded_then_unhealthy()
    {
        var seen = new Seen { OnPing = (_, _) => throw new InvalidOperationException("always fails") };
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1")
                .ConfigureHealth(o => o with { DeadLettersDegraded = 1, DeadLettersUnhealthy = 2, DeadLetterWindow = TimeSpan.FromHours(1) })
                .Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>().Retry(RetryPolicy.None)),
            services => services.AddSingleton(seen));
        var bus = host.Services.GetRequiredService<IBus>();
        var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, SwitchboardHealthChecks.DeadLetters)).Status);

        await bus.SendAsync("ping", new Ping(1));
        await WaitForDeadLettersAsync(deadLetters, 1);
        var one = await CheckAsync(host, SwitchboardHealthChecks.DeadLetters);
        Assert.True(one.Status == HealthStatus.Degraded, one.Description);
        Assert.Equal(1L, one.Data["newInWindow"]);
        Assert.Equal(1L, one.Data["ping"]);

        await bus.SendAsync("ping", new Ping(2));
        await WaitForDeadLettersAsync(deadLetters, 2);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(host, SwitchboardHealthChecks.DeadLetters)).Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task An_outbox_message_waiting_past_the_thresholds_degrades_then_fails_the_check()
    {
        var time = new SettableTime(DateTimeOffset.UtcNow);
        await using var store = new InMemoryMessageStore(time);
        var check = new OutboxHealthCheck(store, new SwitchboardHealthOptions(), time);
        await CommitAsync(store, NewMessage());

        Assert.Equal(HealthStatus.Healthy, (await RunAsync(check)).Status);
        time.Now += TimeSpan.FromMinutes(2);
        var late = await RunAsync(check);
        Assert.Equal(HealthStatus.Degraded, late.Status);
        Assert.Equal(1L, late.Data["pending"]);
        time.Now += TimeSpan.FromMinutes(9);
        Assert.Equal(HealthStatus.Unhealthy, (await RunAsync(check)).Status);
    }

    [Fact]
    public async Task A_quarantined_outbox_message_degrades_the_check_however_young()
    {
        var time = new SettableTime(DateTimeOffset.UtcNow);
        await using var store = new InMemoryMessageStore(time);
        var check = new OutboxHealthCheck(store, new SwitchboardHealthOptions(), time);
        var message = NewMessage();
        await CommitAsync(store, message);
        await store.Outbox.MarkFailedAsync(message.Envelope.MessageId, "no route", time.Now, quarantine: true);

        var result = await RunAsync(check);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(1L, result.Data["quarantined"]);
    }

    [Fact]
    public async Task A_bus_registers_the_outbox_check_only_with_a_store_and_the_lag_check_only_with_event_sourcing()
    {
        using var bare = await TestHost.StartAsync(bus => bus.Message<Ping>("tests.ping.v1"));
        using var full = await TestHost.StartAsync(bus => bus.Message<Ping>("tests.ping.v1").UseInMemoryStore().UseInMemoryEventStore().EventSourcing(_ => { }));

        Assert.Equal([SwitchboardHealthChecks.DeadLetters], await FlowChecksAsync(bare));
        Assert.Equal([SwitchboardHealthChecks.DeadLetters, SwitchboardHealthChecks.Outbox, SwitchboardHealthChecks.SubscriptionLag], await FlowChecksAsync(full));
        var lag = await CheckAsync(full, SwitchboardHealthChecks.SubscriptionLag);
        Assert.Equal(HealthStatus.Healthy, lag.Status);
        Assert.Equal("No subscription or projection is running.", lag.Description);
        await bare.StopAsync();
        await full.StopAsync();
    }

    [Fact]
    public void Thresholds_out_of_order_are_refused()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddSwitchboard(bus => bus.ConfigureHealth(o => o with { SubscriptionLagDegraded = 10, SubscriptionLagUnhealthy = 5 })));
        Assert.Equal(nameof(SwitchboardHealthOptions.SubscriptionLagUnhealthy), error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddSwitchboard(bus => bus.ConfigureHealth(o => o with { DeadLettersDegraded = 0 })));
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host, string name) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == name)).Entries[name];

    private static async Task<List<string>> FlowChecksAsync(IHost host) =>
        [.. (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains(SwitchboardHealthChecks.FlowTag))).Entries.Keys.Order(StringComparer.Ordinal)];

    private static Task<HealthCheckResult> RunAsync(IHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("outbox", check, HealthStatus.Unhealthy, null) });

    private static async Task WaitForDeadLettersAsync(IDeadLetterQueue deadLetters, long count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await deadLetters.CountAsync("ping") < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {count} dead letter(s).");
            }

            await Task.Delay(10);
        }
    }

    private static OutgoingMessage NewMessage() => new(OutgoingKind.Send, "elsewhere", new Envelope { MessageId = Guid.NewGuid().ToString(), MessageType = "tests.ping.v1", Body = "{}"u8.ToArray() }, null);

    private static async Task CommitAsync(IMessageStore store, OutgoingMessage message)
    {
        var transaction = await store.BeginAsync();
        await using (transaction)
        {
            await transaction.EnlistAsync([message]);
            await transaction.CommitAsync();
        }
    }

    private sealed class SettableTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
