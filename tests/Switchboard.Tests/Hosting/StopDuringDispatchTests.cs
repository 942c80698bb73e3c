using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.InMemory;

namespace Switchboard.Tests.Hosting;

/// <summary>
/// A handler's messages go out after its unit of work committed. When that dispatch does not end (a broker that
/// declares topology for seconds, a publish that waits for a confirm) and the endpoint stops, the stop cuts it short
/// like the handlers themselves: the messages stay in the outbox, and the relay sends them later.
/// </summary>
public sealed class StopDuringDispatchTests
{
    [Fact]
    public async Task A_stopping_endpoint_cancels_a_dispatch_after_commit_and_the_relay_sends_its_messages_later()
    {
        using var network = new InMemoryNetwork();
        var store = new InMemoryMessageStore();
        var logs = new RecordingLoggerProvider();
        var dispatching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new SwitchableTransport(new InMemoryTransport(network))
        {
            SendGate = async (queue, cancellationToken) =>
            {
                if (queue == "pong")
                {
                    dispatching.TrySetResult();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
            },
        };
        var first = await TestHost.StartAsync(
            bus => bus
                .Message<Ping>("tests.ping.v1")
                .Message<Pong>("tests.pong.v1")
                .UseTransport(_ => transport)
                .UseInMemoryStore(store)
                .Configure(o => o with { ShutdownTimeout = TimeSpan.FromMilliseconds(200) })
                .Endpoint("ping", e => e.Handle<Ping, PingToPongHandler>().Transactional()),
            network: network,
            logs: logs);
        network.Declare("pong", []);
        await first.Services.GetRequiredService<IBus>().SendAsync("ping", new Ping(7));
        await dispatching.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await first.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // The dispatch ended with the endpoint's patience: no handler outlived the stop's second wait.
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("was cancelled; the outbox relay will send them", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);

        var seen = new Seen();
        using var second = await TestHost.StartAsync(
            bus => bus
                .Message<Ping>("tests.ping.v1")
                .Message<Pong>("tests.pong.v1")
                .UseInMemoryStore(store, new Switchboard.Persistence.StoreOptions { RelayInterval = TimeSpan.FromMilliseconds(50), DispatchGrace = TimeSpan.Zero })
                .Endpoint("ping", e => e.Handle<Ping, PingToPongHandler>().Transactional())
                .Endpoint("pong", e => e.Handle<Pong, PongHandler>()),
            services => services.AddSingleton(seen),
            network);
        await TestHost.WaitUntilAsync(() => seen.Entries.Contains("pong:7"), "the relay's send of the committed pong");
        await second.StopAsync();
        Assert.Equal(["pong:7"], seen.Entries);
        first.Dispose();
    }

    private sealed class PingToPongHandler : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) =>
            context.SendAsync("pong", new Pong(message.Number), cancellationToken);
    }
}
