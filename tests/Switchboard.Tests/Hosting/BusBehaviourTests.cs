using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Pipeline;
using Switchboard.Transport;

namespace Switchboard.Tests.Hosting;

public sealed class BusBehaviourTests
{
    private static SwitchboardBuilder Messages(SwitchboardBuilder bus) => bus
        .Message<Ping>("tests.ping.v1")
        .Message<Pong>("tests.pong.v1");

    [Fact]
    public async Task Every_handler_of_a_type_runs_in_order_and_the_context_is_injectable()
    {
        var seen = new Seen();
        using var host = await TestHost.StartAsync(
            bus => Messages(bus).Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>().Handle<Ping, SecondPingHandler>().Concurrency(1)),
            services => services.AddSingleton(seen));

        await host.Services.GetRequiredService<IBus>().SendAsync("ping", new Ping(1));

        await TestHost.WaitUntilAsync(() => seen.Entries.Count == 2, "both handlers");
        Assert.Equal(["first:1", "second:1:True"], seen.Entries);
        await host.StopAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Handlers_run_at_most_concurrency_at_once_while_more_messages_settle(bool twoHandlers)
    {
        var seen = new Seen();
        var running = 0;
        var most = 0;
        seen.OnPing = async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(5);
            Interlocked.Decrement(ref running);
        };
        using var host = await TestHost.StartAsync(
            bus => Messages(bus).Endpoint("ping", e =>
            {
                e.Handle<Ping, FirstPingHandler>().Concurrency(3).PendingSettlements(20);
                if (twoHandlers)
                {
                    e.Handle<Ping, SecondPingHandler>();
                }
            }),
            services => services.AddSingleton(seen));

        var bus = host.Services.GetRequiredService<IBus>();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => bus.SendAsync("ping", new Ping(i)).AsTask()));
        await TestHost.WaitUntilAsync(() => seen.Entries.Count == (twoHandlers ? 400 : 200), "every ping");
        Assert.Equal(3, Volatile.Read(ref most));
        await host.StopAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }

    [Fact]
    public async Task A_message_the_endpoint_has_no_handler_for_is_dead_lettered_with_the_reason()
    {
        var seen = new Seen();
        using var host = await TestHost.StartAsync(
            bus => Messages(bus).Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()),
            services => services.AddSingleton(seen));

        await host.Services.GetRequiredService<IBus>().SendAsync("ping", new Pong(1));

        var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
        await TestHost.WaitUntilAsync(() => deadLetters.CountAsync("ping").AsTask().Result == 1, "the dead letter");
        var letter = Assert.Single(await deadLetters.ListAsync("ping"));
        Assert.Contains("no handler for 'tests.pong.v1'", letter.Reason);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_step_inserted_by_name_runs_around_the_handlers()
    {
        var seen = new Seen();
        using var host = await TestHost.StartAsync(
            bus => Messages(bus)
                .ConfigurePipeline(p => p.InsertBefore(StepNames.Invoke, "audit", _ => new AuditStep(seen)))
                .Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()),
            services => services.AddSingleton(seen));

        await host.Services.GetRequiredService<IBus>().SendAsync("ping", new Ping(3));

        await TestHost.WaitUntilAsync(() => seen.Entries.Count == 3, "audit and handler");
        Assert.Equal(["audit-before:Ping", "first:3", "audit-after"], seen.Entries);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_full_queue_makes_the_sender_wait_instead_of_growing()
    {
        var seen = new Seen();
        var release = new TaskCompletionSource();
        seen.OnPing = (_, _) => release.Task;
        using var network = new InMemoryNetwork(new InMemoryNetworkOptions { QueueCapacity = 10 });
        using var host = await TestHost.StartAsync(
            bus => Messages(bus).Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>().Concurrency(2)),
            services => services.AddSingleton(seen),
            network);
        var bus = host.Services.GetRequiredService<IBus>();

        for (var i = 0; i < 10; i++)
        {
            await bus.SendAsync("ping", new Ping(i));
        }

        var eleventh = bus.SendAsync("ping", new Ping(10)).AsTask();
        await Task.Delay(300);
        Assert.False(eleventh.IsCompleted);
        Assert.Equal(10, network.CountMessages("ping"));

        release.SetResult();
        await eleventh.WaitAsync(TimeSpan.FromSeconds(30));
        await TestHost.WaitUntilAsync(() => seen.Entries.Count == 11, "all pings");
        await host.StopAsync();
    }

    // Before the fix the stop never returned: the worker waited for the handler forever.
    [Fact]
    public Task A_handler_that_ignores_cancellation_does_not_hold_shutdown_and_its_message_is_redelivered() =>
        StopWithAStuckHandlerAsync(busShutdownTimeout: TimeSpan.FromMilliseconds(200), hostShutdownTimeout: null);

    // The bus alone would wait two hours for the handler; the host allows 300 ms.
    [Fact]
    public Task The_hosts_shutdown_timeout_bounds_the_stop_when_it_is_shorter_than_the_bus_s() =>
        StopWithAStuckHandlerAsync(busShutdownTimeout: TimeSpan.FromHours(1), hostShutdownTimeout: TimeSpan.FromMilliseconds(300));

    [Fact]
    public void Handling_an_unregistered_message_type_fails_at_configuration()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<Switchboard.Messages.UnregisteredMessageTypeException>(() =>
            services.AddSwitchboard(bus => bus.UseInMemory(new InMemoryNetwork()).Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>())));
        Assert.Contains("Ping", error.Message);
    }

    [Fact]
    public void A_bus_without_a_transport_fails_at_configuration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddSwitchboard(bus => Messages(bus)));
        Assert.Contains("No transport", error.Message);
    }

    [Fact]
    public async Task A_send_without_destination_or_route_is_an_error_to_the_caller()
    {
        using var host = await TestHost.StartAsync(bus => Messages(bus));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Services.GetRequiredService<IBus>().SendAsync(new Ping(1)).AsTask());
        Assert.Contains("Route<Ping>", error.Message);
        await host.StopAsync();
    }

    private sealed class AuditStep(Seen seen) : IReceiveStep
    {
        public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
        {
            seen.Entries.Enqueue("audit-before:" + context.MessageType?.Name);
            await next(context);
            seen.Entries.Enqueue("audit-after");
        }
    }

    // A handler that never returns and ignores its token: the host stops all the same, and a second host gets the
    // message again.
    private static async Task StopWithAStuckHandlerAsync(TimeSpan busShutdownTimeout, TimeSpan? hostShutdownTimeout)
    {
        var stuck = new Seen();
        var never = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        stuck.OnPing = (_, _) =>
        {
            started.TrySetResult();
            return never.Task;
        };
        using var network = new InMemoryNetwork();
        var first = await TestHost.StartAsync(
            bus => Messages(bus).Configure(o => o with { ShutdownTimeout = busShutdownTimeout }).Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()),
            services =>
            {
                services.AddSingleton(stuck);
                if (hostShutdownTimeout is { } timeout)
                {
                    services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
                }
            },
            network);
        await first.Services.GetRequiredService<IBus>().SendAsync("ping", new Ping(1));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await first.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var seen = new Seen();
        using var second = await TestHost.StartAsync(
            bus => Messages(bus).Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()),
            services => services.AddSingleton(seen),
            network);
        await TestHost.WaitUntilAsync(() => seen.Entries.Count == 1, "the redelivery");
        Assert.Equal(["first:1"], seen.Entries);
        await second.StopAsync();
        first.Dispose();
    }
}
