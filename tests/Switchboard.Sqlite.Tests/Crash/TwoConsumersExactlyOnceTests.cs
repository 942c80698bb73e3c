using Xunit.Abstractions;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>Two processes compete for one queue and acknowledge every message: each is handled exactly once.</summary>
[Collection(CrashCollection.Name)]
public sealed class TwoConsumersExactlyOnceTests(ITestOutputHelper output) : IDisposable
{
    private const string Queue = "crash-competing";
    private const int Count = 5_000;
    private readonly string _database = TestDatabase.NewPath();

    [Fact]
    public async Task Two_consumer_processes_on_one_queue_handle_each_message_exactly_once()
    {
        using var first = CrashHostRuns.StartConsumer("first consumer", _database, Queue, handlerDelayMilliseconds: 1);
        await first.WaitForReadyAsync();
        using var second = CrashHostRuns.StartConsumer("second consumer", _database, Queue, handlerDelayMilliseconds: 1);
        await second.WaitForReadyAsync();

        await CrashHostRuns.ProduceAllAsync(_database, Queue, Count);
        var expected = Enumerable.Range(1, Count).ToHashSet();
        await Eventually.UntilAsync(
            () => expected.IsSubsetOf(Handled()),
            "every message to be handled",
            () => CrashHostRuns.Missing(expected, Handled()) + Environment.NewLine + first.Describe() + Environment.NewLine + second.Describe());
        await CrashHostRuns.WaitUntilDrainedAsync(_database, Queue, first, second);
        Assert.True(await first.StopAsync() == 0, first.Describe());
        Assert.True(await second.StopAsync() == 0, second.Describe());

        var handled = Handled();
        output.WriteLine($"First consumer handled {first.Output.Numbers("handled").Count}, second {second.Output.Numbers("handled").Count}.");
        var duplicates = handled.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} message(s) handled more than once: {string.Join(", ", duplicates.Take(50))}");
        Assert.Equal(expected.Order(), handled.Order());
        Assert.NotEmpty(first.Output.Numbers("handled"));
        Assert.NotEmpty(second.Output.Numbers("handled"));
        CrashHostRuns.AssertIntact(_database);

        List<int> Handled() => [.. first.Output.Numbers("handled"), .. second.Output.Numbers("handled")];
    }

    public void Dispose() => TestDatabase.Delete(_database);
}
