using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Pipeline;
using Switchboard.Tests.Hosting;

namespace Switchboard.Tests.Pipeline;

public sealed class HandlerSlotTests
{
    /// <summary>
    /// With one handler slot, a handler that waits on I/O through <see cref="HandlerSlot.WithoutSlotAsync{T}"/> lets the
    /// next message's handler run meanwhile: here the wait ends only when that other handler has run, so holding the
    /// slot through the wait would never finish.
    /// </summary>
    [Fact]
    public async Task A_handler_that_waits_without_its_slot_lets_another_message_run_meanwhile()
    {
        var probe = new SlotProbe();
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1").Endpoint("slot", e => e.Handle<Ping, WaitingHandler>().Concurrency(1)),
            services => services.AddSingleton(probe));
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.SendAsync("slot", new Ping(1));
        await bus.SendAsync("slot", new Ping(2));

        await TestHost.WaitUntilAsync(() => probe.Done.Count == 2, "both messages handled");
        Assert.Equal([2, 1], probe.Done);
        await host.StopAsync();
    }

    private sealed class SlotProbe
    {
        public TaskCompletionSource SecondRan { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<int> Done { get; } = new();
    }

    // Ping 1 waits, without its slot, until ping 2 has run.
    private sealed class WaitingHandler(SlotProbe probe, HandlerSlot slot) : IMessageHandler<Ping>
    {
        public async ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken)
        {
            if (message.Number == 1)
            {
                await slot.WithoutSlotAsync(new ValueTask<bool>(probe.SecondRan.Task.ContinueWith(_ => true, TaskScheduler.Default)), cancellationToken);
            }
            else
            {
                probe.SecondRan.TrySetResult();
            }

            probe.Done.Enqueue(message.Number);
        }
    }
}
