using System.Globalization;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>The crash host's command lines, and the steps every scenario shares.</summary>
public static class CrashHostRuns
{
    /// <summary>Short, so that the leases of a killed consumer expire within the test.</summary>
    public const int LeaseMilliseconds = 2_000;

    /// <summary>With <paramref name="keys"/> above 0 the queue is ordered and number N's ordering key is N % keys.</summary>
    public static CrashHostProcess StartProducer(string name, string database, string queue, int from, int count, int keys = 0) =>
        CrashHostProcess.Start(name, "produce", database, queue, Text(from), Text(count), "--lease-ms", Text(LeaseMilliseconds), "--keys", Text(keys));

    /// <summary>With <paramref name="keys"/> above 0 the endpoint is ordered.</summary>
    public static CrashHostProcess StartConsumer(string name, string database, string queue, int handlerDelayMilliseconds, int keys = 0) =>
        CrashHostProcess.Start(name, "consume", database, queue, "--delay-ms", Text(handlerDelayMilliseconds), "--lease-ms", Text(LeaseMilliseconds), "--keys", Text(keys));

    /// <summary>Handles the queue with an event-sourced saga: number N deposits N on the aggregate tally-(N % 10), stream crash-tally-(N % 10).</summary>
    public static CrashHostProcess StartSaga(string name, string database, string queue, int handlerDelayMilliseconds) =>
        CrashHostProcess.Start(name, "saga", database, queue, "--delay-ms", Text(handlerDelayMilliseconds), "--lease-ms", Text(LeaseMilliseconds));

    /// <summary>Appends batches of <paramref name="batch"/> events to the streams crash-0..crash-{streams-1} until killed or stopped.</summary>
    public static CrashHostProcess StartAppender(string name, string database, int streams, int batch) =>
        CrashHostProcess.Start(name, "append", database, Text(streams), "--batch", Text(batch));

    /// <summary>Sends <paramref name="count"/> numbers from 1 and checks that every send completed.</summary>
    public static async Task ProduceAllAsync(string database, string queue, int count, int keys = 0)
    {
        using var producer = StartProducer("producer", database, queue, 1, count, keys);
        await producer.WaitUntilAsync(o => o.Contains("done"), "'done'");
        Assert.True(await producer.WaitForExitAsync() == 0, producer.Describe());
        Assert.Equal(Enumerable.Range(1, count), producer.Output.Numbers("sent").Order());
    }

    public static void AssertIntact(string database) =>
        Assert.Equal("ok", CrashDatabase.IntegrityCheck(database));

    /// <summary>Waits until every message of the queue is settled in the file (acks are not awaited to disk).</summary>
    public static Task WaitUntilDrainedAsync(string database, string queue, params CrashHostProcess[] consumers) =>
        Eventually.UntilAsync(
            () => CrashDatabase.Remaining(database, queue) == 0,
            $"queue '{queue}' to be empty in the file",
            () => $"{CrashDatabase.Remaining(database, queue)} message(s) left.{Environment.NewLine}"
                + string.Join(Environment.NewLine, consumers.Select(c => c.Describe())));

    /// <summary>The numbers of <paramref name="expected"/> not in <paramref name="seen"/>, for failure messages.</summary>
    public static string Missing(IEnumerable<int> expected, IEnumerable<int> seen)
    {
        var missing = expected.Except(seen).ToList();
        return $"{missing.Count} missing: {string.Join(", ", missing.Take(50))}{(missing.Count > 50 ? ", ..." : "")}";
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
