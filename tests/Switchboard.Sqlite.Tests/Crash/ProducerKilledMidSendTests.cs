using Xunit.Abstractions;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>kill -9 of a producer while sends are being committed: every send that returned survives.</summary>
[Collection(CrashCollection.Name)]
public sealed class ProducerKilledMidSendTests(ITestOutputHelper output) : IDisposable
{
    private const string Queue = "crash-producer";
    private const int Attempted = 200_000;
    private readonly string _database = TestDatabase.NewPath();

    [Fact]
    public async Task Every_completed_send_is_delivered_after_the_producer_is_killed()
    {
        HashSet<int> confirmed;
        using (var killed = CrashHostRuns.StartProducer("killed producer", _database, Queue, 1, Attempted))
        {
            await killed.WaitForReadyAsync();
            await killed.WaitUntilAsync(o => o.Numbers("sent").Count >= 1_000, "1,000 sends completed");
            await killed.KillAsync();
            Assert.False(killed.Output.Contains("done"), "The producer must be killed while it is still sending.");
            confirmed = [.. killed.Output.Numbers("sent")];
        }

        CrashHostRuns.AssertIntact(_database);
        output.WriteLine($"Killed after {confirmed.Count} completed sends; {CrashDatabase.Remaining(_database, Queue)} message(s) in the file.");
        Assert.True(
            CrashDatabase.Remaining(_database, Queue) >= confirmed.Count,
            $"{CrashDatabase.Remaining(_database, Queue)} message(s) in the file, {confirmed.Count} sends completed.");

        using var consumer = CrashHostRuns.StartConsumer("consumer", _database, Queue, handlerDelayMilliseconds: 0);
        await consumer.WaitForReadyAsync();
        await Eventually.UntilAsync(
            () => confirmed.IsSubsetOf(consumer.Output.Numbers("handled")),
            "every completed send to be handled",
            () => CrashHostRuns.Missing(confirmed, consumer.Output.Numbers("handled")) + Environment.NewLine + consumer.Describe());
        await CrashHostRuns.WaitUntilDrainedAsync(_database, Queue, consumer);
        Assert.True(await consumer.StopAsync() == 0, consumer.Describe());

        var handled = consumer.Output.Numbers("handled");
        Assert.All(handled, n => Assert.InRange(n, 1, Attempted));
        Assert.Equal(handled.Count, handled.Distinct().Count());
        CrashHostRuns.AssertIntact(_database);
    }

    public void Dispose() => TestDatabase.Delete(_database);
}
