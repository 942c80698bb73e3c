using Xunit.Abstractions;

namespace Switchboard.RabbitMQ.Tests.Crash;

/// <summary>
/// kill -9 of a consumer process of an ordered endpoint while it holds unacknowledged messages of every partition, with
/// a second process standing by, and then a replacement that joins: the broker gives the killed process's partitions
/// to the survivor, their unacknowledged messages first; the replacement takes partitions over from the survivor; every
/// key's messages are handled in send order and none is lost.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class OrderedConsumerKilledMidKeyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Queue = "crash-ordered";
    private const int Count = 4_000;
    private const int Keys = 40;
    private const int HandlerDelayMilliseconds = 10;
    private readonly string _vhost = "sb-crash-" + Guid.NewGuid().ToString("N")[..8];

    private Uri Vhost => TestBroker.UriFor(_vhost);

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public Task DisposeAsync() => TestBroker.DeleteVhostAsync(_vhost);

    [Fact]
    public async Task Each_key_is_handled_in_send_order_and_nothing_is_lost_when_a_consumer_is_killed_mid_key()
    {
        using var killed = RabbitMqCrashRuns.StartConsumer("killed consumer", Vhost, Queue, HandlerDelayMilliseconds, Keys);
        await killed.WaitForReadyAsync();
        await RabbitMqCrashRuns.ProduceAllAsync(Vhost, Queue, Count, Keys);
        await killed.WaitUntilAsync(o => o.Numbers("handled").Count >= Count / 10, $"{Count / 10} messages handled");

        // The survivor stands by on every partition; the first dies before it gave any partition up (it would after
        // two announcement intervals), so it dies holding unacknowledged messages of every partition.
        using var survivor = RabbitMqCrashRuns.StartConsumer("surviving consumer", Vhost, Queue, HandlerDelayMilliseconds, Keys);
        await survivor.WaitForReadyAsync();
        await killed.KillAsync();
        var byKilled = Handling.Of(killed);
        var survivorBeforeKill = Handling.Of(survivor).Count;
        Assert.True(byKilled.Count < Count, "The consumer must be killed before it handled everything.");

        // The survivor gets the killed process's partitions, what it had not acknowledged first.
        await survivor.WaitUntilAsync(
            o => Handling.Of(survivor).Skip(survivorBeforeKill).Any(h => h.Delivery > 1),
            "a redelivered message handled after the kill");

        using var replacement = RabbitMqCrashRuns.StartConsumer("replacement consumer", Vhost, Queue, 0, Keys);
        await replacement.WaitForReadyAsync();
        var expected = Enumerable.Range(1, Count).ToHashSet();
        await Eventually.UntilAsync(
            () => expected.IsSubsetOf(Handling.Merged(killed, survivor, replacement).Select(h => h.Number)),
            "every message to be handled by one of the consumers",
            () => RabbitMqCrashRuns.Missing(expected, Handling.Merged(killed, survivor, replacement).Select(h => h.Number))
                + Environment.NewLine + survivor.Describe() + Environment.NewLine + replacement.Describe());
        Assert.True(await survivor.StopAsync() == 0, survivor.Describe());
        Assert.True(await replacement.StopAsync() == 0, replacement.Describe());

        var handled = Handling.Merged(killed, survivor, replacement);
        var afterKill = handled.Where(h => h.By != killed.Name).ToList();
        var again = byKilled.Select(h => h.Number).ToHashSet();
        again.IntersectWith(afterKill.Select(h => h.Number));
        output.WriteLine($"The killed consumer handled {byKilled.Count}, the survivor {Handling.Of(survivor).Count} ({survivorBeforeKill} before the kill), the replacement {Handling.Of(replacement).Count}.");
        output.WriteLine($"{handled.Count} handlings in all, {handled.Count - Count} repeated; {again.Count} message(s) handled by the killed consumer were handled again after the kill; "
            + $"{afterKill.Count(h => h.Delivery > 1)} redelivered handlings after the kill, of {afterKill.Where(h => h.Delivery > 1).Select(h => h.Number % Keys).Distinct().Count()} key(s).");

        Assert.NotEmpty(Handling.Of(replacement));
        var broken = RabbitMqCrashRuns.OrderBroken(handled, Count, Keys);
        Assert.True(broken is null, broken);
    }
}
