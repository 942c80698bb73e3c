using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>Scheduled sends and publishes arrive, and never before their time.</summary>
public abstract class DelayedDeliverySuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "timers";

    /// <summary>A command scheduled one second ahead is handled, and not before the second has passed.</summary>
    [Fact]
    public async Task A_scheduled_send_is_handled_after_its_delay_and_never_early()
    {
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording()));
        var delay = TimeSpan.FromSeconds(1);

        var before = DateTimeOffset.UtcNow;
        await bus.Bus.ScheduleSendAsync(new TestCommand(1), delay, Queue);

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(1), handled.Message);
        AssertNotEarly(handled, before + delay);
        await Task.Delay(300);
        Assert.Single(Recorder.All);
    }

    /// <summary>Several commands scheduled with different delays all arrive, none before its own time.</summary>
    [Fact]
    public async Task Several_scheduled_sends_all_arrive_none_early()
    {
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording()));
        int[] delaysMs = [1500, 300, 1200, 600, 900, 0];
        var due = new DateTimeOffset[delaysMs.Length];

        for (var i = 0; i < delaysMs.Length; i++)
        {
            var delay = TimeSpan.FromMilliseconds(delaysMs[i]);
            due[i] = DateTimeOffset.UtcNow + delay;
            await bus.Bus.ScheduleSendAsync(new TestCommand(i), delay, Queue);
        }

        var all = await Recorder.WaitForCountAsync(delaysMs.Length, Patience);
        Assert.Equal(Enumerable.Range(0, delaysMs.Length), all.Select(h => Assert.IsType<TestCommand>(h.Message).Number).Order());
        Assert.All(all, h => AssertNotEarly(h, due[((TestCommand)h.Message).Number]));
        await Task.Delay(300);
        Assert.Equal(delaysMs.Length, Recorder.All.Count);
    }

    /// <summary>An event scheduled for publication reaches every subscriber, not before its time.</summary>
    [Fact]
    public async Task A_scheduled_publish_reaches_every_subscriber_after_its_delay()
    {
        var bus = await StartBusAsync(b => b.Endpoint("audit", Recording()).Endpoint("billing", Recording()));
        var delay = TimeSpan.FromSeconds(1);

        var before = DateTimeOffset.UtcNow;
        await bus.Bus.SchedulePublishAsync(new TestEvent(3), delay);

        var all = await Recorder.WaitForCountAsync(2, Patience);
        Assert.Equal(["audit", "billing"], all.Select(h => h.Endpoint).Order(StringComparer.Ordinal));
        Assert.All(all, h => Assert.Equal(new TestEvent(3), h.Message));
        Assert.All(all, h => AssertNotEarly(h, before + delay));
        await Task.Delay(300);
        Assert.Equal(2, Recorder.All.Count);
    }

    /// <summary>A command scheduled for a moment already past is delivered at once.</summary>
    [Fact]
    public async Task A_send_scheduled_in_the_past_is_delivered_at_once()
    {
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording()));

        await bus.Bus.ScheduleSendAsync(new TestCommand(4), DateTimeOffset.UtcNow.AddMinutes(-5), Queue);

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(4), handled.Message);
        Assert.Equal(1, handled.DeliveryCount);
    }

    private static void AssertNotEarly(Handled handled, DateTimeOffset due) =>
        Assert.True(handled.At >= due, $"{handled.Message} was handled {(due - handled.At).TotalMilliseconds:F1} ms before it was due.");
}
