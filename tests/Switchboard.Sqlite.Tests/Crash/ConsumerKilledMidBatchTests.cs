using Xunit.Abstractions;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>kill -9 of a consumer while it holds leased batches: nothing is lost, the file stays intact.</summary>
[Collection(CrashCollection.Name)]
public sealed class ConsumerKilledMidBatchTests(ITestOutputHelper output) : IDisposable
{
    private const string Queue = "crash-consumer";
    private const int Count = 2_000;
    private readonly string _database = TestDatabase.NewPath();

    [Fact]
    public async Task Every_message_is_delivered_when_a_consumer_is_killed_mid_batch_and_another_starts()
    {
        await CrashHostRuns.ProduceAllAsync(_database, Queue, Count);

        List<int> handledBeforeKill;
        using (var killed = CrashHostRuns.StartConsumer("killed consumer", _database, Queue, handlerDelayMilliseconds: 10))
        {
            await killed.WaitForReadyAsync();
            await killed.WaitUntilAsync(o => o.Numbers("handled").Count >= 200, "200 messages handled");
            await killed.KillAsync();
            handledBeforeKill = killed.Output.Numbers("handled");
        }

        CrashHostRuns.AssertIntact(_database);
        var leased = CrashDatabase.Leased(_database, Queue);
        output.WriteLine($"Killed after {handledBeforeKill.Count} handled; {CrashDatabase.Remaining(_database, Queue)} left in the file, {leased} of them leased by the killed process.");
        Assert.True(leased > 0, $"The consumer must be killed while it holds leased messages; it handled {handledBeforeKill.Count} of {Count}.");

        using var replacement = CrashHostRuns.StartConsumer("replacement consumer", _database, Queue, handlerDelayMilliseconds: 0);
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
        Assert.All(handled, n => Assert.InRange(n, 1, Count));
        output.WriteLine($"Handled {handled.Count} times in all, {handled.Count - Count} redelivery(ies) of messages handled but not acknowledged before the kill.");
        CrashHostRuns.AssertIntact(_database);
    }

    public void Dispose() => TestDatabase.Delete(_database);
}
