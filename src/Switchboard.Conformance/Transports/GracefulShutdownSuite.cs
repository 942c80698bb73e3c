using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>Stopping a bus lets in-flight messages finish and be acknowledged, and loses nothing still queued.</summary>
public abstract class GracefulShutdownSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "work";

    /// <summary>
    /// A handler in flight when the bus stops completes, and its message is acknowledged: a new bus on the endpoint
    /// does not get it again.
    /// </summary>
    [Fact]
    public async Task An_in_flight_message_completes_and_is_acknowledged_when_the_bus_stops()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Behavior.Before = async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(200, ct);
        };
        var first = await StartBusAsync(b => b.Endpoint(Queue, Recording()), "first");

        await first.Bus.SendAsync(Queue, new TestCommand(1));
        await started.Task.WaitAsync(Patience);
        await first.StopAsync();

        var handled = Assert.Single(Recorder.All);
        Assert.Equal(new TestCommand(1), handled.Message);
        Assert.Equal(first.Name, handled.Consumer);

        var second = await StartBusAsync(b => b.Endpoint(Queue, Recording()), "second");
        await Task.Delay(1000);
        Assert.Single(Recorder.All);

        // The second bus does consume the endpoint: a new message reaches it.
        await second.Bus.SendAsync(Queue, new TestCommand(2));
        var all = await Recorder.WaitForCountAsync(2, Patience);
        await Task.Delay(300);
        Assert.Equal(2, Recorder.All.Count);
        Assert.Equal(second.Name, Assert.Single(all, h => h.Message is TestCommand { Number: 2 }).Consumer);
        Assert.Single(all, h => h.Message is TestCommand { Number: 1 });
    }

    /// <summary>
    /// A bus stopped with 500 messages queued behind a slow handler loses none of them: a bus started afterwards
    /// on the endpoint handles every one at least once.
    /// </summary>
    [Fact]
    public async Task Stopping_a_bus_with_messages_queued_loses_none_of_them()
    {
        const int count = 500;
        Behavior.Before = static async (_, _, ct) => await Task.Delay(5, ct);
        var first = await StartBusAsync(b => b.Endpoint(Queue, Recording(concurrency: 1)), "first");

        for (var batch = 0; batch < count; batch += 100)
        {
            var sends = new Task[100];
            for (var i = 0; i < sends.Length; i++)
            {
                sends[i] = first.Bus.SendAsync(Queue, new TestCommand(batch + i)).AsTask();
            }

            await Task.WhenAll(sends);
        }

        await Recorder.WaitForCountAsync(10, Patience);
        await first.StopAsync();
        var handledByFirst = Recorder.All.Count;
        Assert.InRange(handledByFirst, 10, count - 1);

        var second = await StartBusAsync(b => b.Endpoint(Queue, Recording(concurrency: 4)), "second");

        var all = await Recorder.WaitUntilAsync(
            all => all.Select(h => ((TestCommand)h.Message).Number).Distinct().Count() == count,
            Patience,
            $"all {count} messages handled");
        Assert.Equal(Enumerable.Range(0, count), all.Select(h => ((TestCommand)h.Message).Number).Distinct().Order());
        Assert.Contains(all, h => h.Consumer == second.Name);
    }
}
