using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>Several consumers of one queue share its messages: each message goes to exactly one of them.</summary>
public abstract class CompetingConsumersSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    /// <summary>10,000 commands consumed by 4 buses on one endpoint: each handled exactly once, by more than one consumer.</summary>
    [Fact]
    public async Task Ten_thousand_commands_over_four_consumers_are_each_handled_exactly_once()
    {
        const int count = 10_000;

        // A handler that takes a little time, as real ones do: otherwise one consumer that happens to be woken first
        // (the sender's own bus is told of its commits before the others notice them) can drain the whole queue
        // before the others get a turn, and "competing" would not be tested at all.
        Behavior.Before = static async (_, _, ct) => await Task.Delay(1, ct);
        var buses = new List<RunningBus>();
        for (var i = 0; i < 4; i++)
        {
            buses.Add(await StartBusAsync(b => b.Endpoint("work", Recording()), "consumer-" + (i + 1)));
        }

        var sender = buses[0].Bus;
        for (var batch = 0; batch < count; batch += 100)
        {
            var sends = new Task[100];
            for (var i = 0; i < sends.Length; i++)
            {
                sends[i] = sender.SendAsync("work", new TestCommand(batch + i)).AsTask();
            }

            await Task.WhenAll(sends);
        }

        await Recorder.WaitForCountAsync(count, Patience);
        await Task.Delay(500);
        var all = Recorder.All;
        Assert.Equal(Enumerable.Range(0, count), all.Select(h => Assert.IsType<TestCommand>(h.Message).Number).Order());
        Assert.All(all, h => Assert.Equal("work", h.Endpoint));
        var consumers = all.Select(h => h.Consumer).Distinct().ToArray();
        Assert.True(consumers.Length > 1, $"Only {string.Join(", ", consumers)} handled messages; the consumers did not compete.");
        Assert.All(consumers, c => Assert.Contains(c, buses.Select(b => b.Name)));
    }
}
