using Xunit.Abstractions;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>
/// kill -9 of a consumer of an ordered queue while it holds messages of several keys: the killed process's messages
/// keep their keys until their leases expire, the replacement handles them first, and every key's messages are handled
/// in the order they were sent.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class OrderedConsumerKilledMidKeyTests(ITestOutputHelper output) : IDisposable
{
    private const string Queue = "crash-ordered";
    private const int Count = 600;
    private const int Keys = 10;
    private readonly string _database = TestDatabase.NewPath();

    [Fact]
    public async Task Each_key_is_handled_in_send_order_and_nothing_is_lost_when_a_consumer_is_killed_mid_key()
    {
        await CrashHostRuns.ProduceAllAsync(_database, Queue, Count, Keys);

        List<int> handledBeforeKill;
        using (var killed = CrashHostRuns.StartConsumer("killed consumer", _database, Queue, handlerDelayMilliseconds: 10, Keys))
        {
            await killed.WaitForReadyAsync();
            await killed.WaitUntilAsync(o => o.Numbers("handled").Count >= 100, "100 messages handled");
            await killed.KillAsync();
            handledBeforeKill = killed.Output.Numbers("handled");
        }

        CrashHostRuns.AssertIntact(_database);
        var leased = CrashDatabase.Leased(_database, Queue);
        output.WriteLine($"Killed after {handledBeforeKill.Count} handled; {CrashDatabase.Remaining(_database, Queue)} left, {leased} leased by the killed process.");
        Assert.True(leased > 0, $"The consumer must be killed while it holds leased messages; it handled {handledBeforeKill.Count} of {Count}.");

        using var replacement = CrashHostRuns.StartConsumer("replacement consumer", _database, Queue, handlerDelayMilliseconds: 0, Keys);
        await replacement.WaitForReadyAsync();
        var expected = Enumerable.Range(1, Count).ToHashSet();
        await Eventually.UntilAsync(
            () => expected.IsSubsetOf(handledBeforeKill.Concat(replacement.Output.Numbers("handled"))),
            "every message to be handled by the killed or the replacement consumer",
            () => CrashHostRuns.Missing(expected, handledBeforeKill.Concat(replacement.Output.Numbers("handled")))
                + Environment.NewLine + replacement.Describe());
        await CrashHostRuns.WaitUntilDrainedAsync(_database, Queue, replacement);
        Assert.True(await replacement.StopAsync() == 0, replacement.Describe());

        var handled = handledBeforeKill.Concat(replacement.Output.Numbers("handled")).ToList();
        for (var key = 0; key < Keys; key++)
        {
            // A message handled but not acknowledged before the kill is handled again, right after itself.
            var line = handled.Where(n => n % Keys == key).ToList();
            var once = line.Where((n, i) => i == 0 || line[i - 1] != n).ToList();
            Assert.Equal(Enumerable.Range(1, Count).Where(n => n % Keys == key), once);
        }

        output.WriteLine($"Handled {handled.Count} times in all, {handled.Count - Count} redelivery(ies).");
        CrashHostRuns.AssertIntact(_database);
    }

    public void Dispose() => TestDatabase.Delete(_database);
}
