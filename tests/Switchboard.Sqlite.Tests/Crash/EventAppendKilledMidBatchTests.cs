using System.Globalization;
using System.Text.Json;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Events;
using Xunit.Abstractions;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>
/// kill -9 of a process appending batches to the SQLite event store, several times over one file: only whole batches
/// are stored, and every append that returned is among them.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class EventAppendKilledMidBatchTests(ITestOutputHelper output) : IDisposable
{
    private const int Streams = 8;
    private const int Batch = 50;
    private const int Rounds = 3;
    private const int AppendsPerRound = 300;
    private const string StreamPrefix = "crash-";
    private const string EventType = "crash-appended";
    private const int MaxProblems = 20;
    private readonly string _database = TestDatabase.NewPath();

    private static IEnumerable<string> StreamIds =>
        Enumerable.Range(0, Streams).Select(i => StreamPrefix + i.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task Only_whole_batches_are_stored_and_every_acknowledged_append_survives_when_the_appender_is_killed()
    {
        // Per stream: the highest version an append returned, over all rounds, and the version stored after the last kill.
        var acknowledged = StreamIds.ToDictionary(s => s, _ => 0L);
        var stored = StreamIds.ToDictionary(s => s, _ => 0L);
        for (var round = 1; round <= Rounds; round++)
        {
            List<(string Stream, long Version)> appended;
            using (var appender = CrashHostRuns.StartAppender($"appender (round {round})", _database, Streams, Batch))
            {
                await appender.WaitForReadyAsync();
                await appender.WaitUntilAsync(o => Appended(o).Count >= AppendsPerRound, $"{AppendsPerRound} appends acknowledged");
                Assert.False(appender.HasExited, $"The appender must be killed while it is still appending.{Environment.NewLine}{appender.Describe()}");
                await appender.KillAsync();
                appended = Appended(appender.Output);
            }

            // Each stream went on from the version stored in the file, one whole batch per append, in order.
            foreach (var stream in appended.GroupBy(a => a.Stream))
            {
                Assert.Contains(stream.Key, stored.Keys);
                var from = stored[stream.Key];
                Assert.Equal(
                    Enumerable.Range(1, stream.Count()).Select(k => from + (k * Batch)),
                    stream.Select(a => a.Version));
                acknowledged[stream.Key] = stream.Last().Version;
            }

            CrashHostRuns.AssertIntact(_database);
            stored = await VerifyAsync(acknowledged);
            var unacknowledged = StreamIds.Where(s => stored[s] > acknowledged[s]).ToList();
            output.WriteLine(
                $"Round {round}: killed after {appended.Count} acknowledged appends; {stored.Values.Sum()} events in {Streams} streams; "
                + $"{unacknowledged.Count} stream(s) with a committed batch whose append had not returned{(unacknowledged.Count > 0 ? $" ({string.Join(", ", unacknowledged)})" : "")}.");
        }
    }

    /// <summary>Reads the file through the event store and checks every stream and the global order; returns each stream's version.</summary>
    private async Task<Dictionary<string, long>> VerifyAsync(IReadOnlyDictionary<string, long> acknowledged)
    {
        await using var store = new SqliteEventStore(new SqliteTransportOptions { Path = _database });
        await store.InitializeAsync();
        var problems = new List<string>();
        var versions = new Dictionary<string, long>();
        var perStream = new List<RecordedEvent>();
        foreach (var stream in StreamIds)
        {
            var events = await ReadStreamAsync(store, stream);
            perStream.AddRange(events);
            versions[stream] = events.Count;
            var version = await store.GetStreamVersionAsync(stream);
            if (version != events.Count)
            {
                problems.Add($"'{stream}': version {version}, but {events.Count} event(s) read.");
            }

            if (events.Count % Batch != 0)
            {
                problems.Add($"'{stream}': {events.Count} event(s), not whole batches of {Batch}: a partial batch of {events.Count % Batch} was stored.");
            }

            if (events.Count < acknowledged[stream])
            {
                problems.Add($"'{stream}': {events.Count} event(s), but an append up to version {acknowledged[stream]} returned: acknowledged events were lost.");
            }

            for (var i = 0; i < events.Count; i++)
            {
                var recorded = events[i];
                long expectedVersion = i + 1;
                var (batch, index) = BatchAndIndex(recorded);
                var expectedBatch = (i / Batch) + 1;
                var expectedIndex = i % Batch;
                if (recorded.StreamId != stream || recorded.StreamVersion != expectedVersion || recorded.Type != EventType
                    || batch != expectedBatch || index != expectedIndex)
                {
                    problems.Add(
                        $"'{stream}' event {i + 1}: version {recorded.StreamVersion} of '{recorded.StreamId}', type '{recorded.Type}', "
                        + $"batch {batch} index {index}; expected version {expectedVersion}, batch {expectedBatch} index {expectedIndex}.");
                }
            }
        }

        var all = await ReadAllAsync(store);
        for (var i = 1; i < all.Count; i++)
        {
            if (all[i].Position <= all[i - 1].Position)
            {
                problems.Add($"Read of all events: position {all[i].Position} after {all[i - 1].Position}.");
            }
        }

        var fromAll = all.Select(Identity).ToList();
        var fromStreams = perStream.OrderBy(e => e.Position).Select(Identity).ToList();
        if (!fromAll.SequenceEqual(fromStreams))
        {
            var onlyInAll = fromAll.Except(fromStreams).Take(5);
            var onlyInStreams = fromStreams.Except(fromAll).Take(5);
            problems.Add(
                $"The read of all events ({fromAll.Count}) differs from the stream reads ({fromStreams.Count}): "
                + $"only in all: {string.Join("; ", onlyInAll)}; only in streams: {string.Join("; ", onlyInStreams)}.");
        }

        Assert.True(
            problems.Count == 0,
            $"{problems.Count} problem(s) in the file after the kill:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Take(MaxProblems))}");
        return versions;
    }

    private static async Task<List<RecordedEvent>> ReadStreamAsync(SqliteEventStore store, string stream)
    {
        var events = new List<RecordedEvent>();
        while (true)
        {
            var page = await store.ReadStreamAsync(stream, events.Count + 1, ReadDirection.Forwards, 1_000);
            if (page.Count == 0)
            {
                return events;
            }

            events.AddRange(page);
        }
    }

    private static async Task<List<RecordedEvent>> ReadAllAsync(SqliteEventStore store)
    {
        var events = new List<RecordedEvent>();
        var after = 0L;
        while (true)
        {
            var page = await store.ReadAllAsync(after, 1_000);
            events.AddRange(page.Events);
            if (page.IsEnd)
            {
                return events;
            }

            after = page.NextPosition;
        }
    }

    private static (string Stream, long Version, long Position, string EventId) Identity(RecordedEvent e) =>
        (e.StreamId, e.StreamVersion, e.Position, e.EventId);

    /// <summary>The batch number and index in the batch the appender wrote into the event's data; -1 when they are not there.</summary>
    private static (long Batch, long Index) BatchAndIndex(RecordedEvent e)
    {
        try
        {
            using var json = JsonDocument.Parse(e.Data);
            return (json.RootElement.GetProperty("batch").GetInt64(), json.RootElement.GetProperty("index").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return (-1, -1);
        }
    }

    /// <summary>Every "appended &lt;stream&gt; &lt;version&gt;" line, in the order written.</summary>
    private static List<(string Stream, long Version)> Appended(LineLog log)
    {
        var appended = new List<(string, long)>();
        foreach (var line in log.Lines)
        {
            if (line.Split(' ') is ["appended", var stream, var version]
                && long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                appended.Add((stream, number));
            }
        }

        return appended;
    }

    public void Dispose() => TestDatabase.Delete(_database);
}
