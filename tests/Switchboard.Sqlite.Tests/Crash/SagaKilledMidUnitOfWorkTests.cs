using System.Globalization;
using System.Text.Json;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Events;
using Xunit.Abstractions;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>
/// kill -9 of a process running an event-sourced saga, several times while it works through a queue: each message's
/// append, inbox record and acknowledgement commit in one transaction, so every message is in the streams exactly once
/// and nothing is left in the queue, however the kills fell between the saga's decision and the commit.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class SagaKilledMidUnitOfWorkTests(ITestOutputHelper output) : IDisposable
{
    private const string Queue = "crash-saga";
    private const int Count = 3_000;
    private const int Kills = 3;
    private readonly string _database = TestDatabase.NewPath();

    [Fact]
    public async Task Every_message_is_appended_exactly_once_when_the_saga_process_is_killed_again_and_again()
    {
        await CrashHostRuns.ProduceAllAsync(_database, Queue, Count);

        var handled = new List<int>();
        for (var kill = 1; kill <= Kills; kill++)
        {
            using var killed = CrashHostRuns.StartSaga($"saga process (kill {kill})", _database, Queue, handlerDelayMilliseconds: 2);
            await killed.WaitForReadyAsync();
            var target = handled.Count + 300;
            await killed.WaitUntilAsync(o => handled.Count + o.Numbers("handled").Count >= target, $"{target} decisions in all");
            await killed.KillAsync();
            handled.AddRange(killed.Output.Numbers("handled"));
            CrashHostRuns.AssertIntact(_database);
        }

        using (var last = CrashHostRuns.StartSaga("saga process (to the end)", _database, Queue, handlerDelayMilliseconds: 0))
        {
            await last.WaitForReadyAsync();
            await CrashHostRuns.WaitUntilDrainedAsync(_database, Queue, last);
            Assert.True(await last.StopAsync() == 0, last.Describe());
            handled.AddRange(last.Output.Numbers("handled"));
        }

        var deposited = await ReadDepositedAsync();
        output.WriteLine($"{handled.Count} decisions for {Count} messages ({handled.Count - Count} reruns after kills or lost races); {deposited.Count} events stored.");
        Assert.Equal(Enumerable.Range(1, Count), deposited.Order());
        CrashHostRuns.AssertIntact(_database);
    }

    public void Dispose() => TestDatabase.Delete(_database);

    private async Task<List<int>> ReadDepositedAsync()
    {
        await using var store = new SqliteEventStore(new SqliteTransportOptions { Path = _database });
        await store.InitializeAsync();
        var numbers = new List<int>();
        for (var tally = 0; tally < 10; tally++)
        {
            var events = await store.ReadStreamAsync("crash-tally-" + tally.ToString(CultureInfo.InvariantCulture), 1, ReadDirection.Forwards, Count + 1);
            numbers.AddRange(events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("number").GetInt32()));
        }

        return numbers;
    }
}
