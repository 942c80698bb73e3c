using System.Diagnostics;
using Switchboard.Benchmarks.Measurement;
using Switchboard.EventSourcing;
using Switchboard.Messages;

namespace Switchboard.Benchmarks.EventStore;

/// <summary>
/// <c>append</c>: 4 writers (<c>--consumers</c>), each appending to <c>--in-flight</c> streams of its own (default 10)
/// at once, one append in flight per stream, with the stream's exact expected version (as a service writes many
/// aggregates at once); <c>--batch</c> events per append. Event ids are the framework's own (<c>MessageIds.New</c>,
/// time-ordered UUIDv7, as <c>EventTypeMap.ToEventData</c> makes them). <c>--in-flight 1</c> makes each writer strictly sequential. N events in all (default 100,000). Throughput
/// is events/s; latency is per append. Correct when the store holds every appended event once, in dense stream versions.
/// </summary>
public static class AppendScenario
{
    /// <summary>The scenario's name.</summary>
    public const string Name = "append";

    private static readonly byte[] Payload = """{"orderId":"6f1c1a44-3f57-4d8e-9a55-0b6f0e2f9a11","amount":42.5,"sku":"SKU-0042","quantity":3}"""u8.ToArray();

    /// <summary>Runs the warm-up and the measured run.</summary>
    public static async Task<BenchmarkResult> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        log.WriteLine($"# {settings.System} append: N={settings.Items}, writers={settings.Consumers}, in flight per writer={settings.InFlight}, batch={settings.EventBatch}, {Environment.ProcessorCount} cores");
        await using var system = await EventStoreSystems.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
        var warmUp = await RunOnceAsync(system.Store, "warm", BenchmarkSettings.WarmUpItems, settings, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"# warm-up: {warmUp.Events} events in {warmUp.Elapsed.TotalSeconds:F2} s");
        var measured = await RunOnceAsync(system.Store, "run", settings.Items, settings, cancellationToken).ConfigureAwait(false);
        var rate = measured.Events / measured.Elapsed.TotalSeconds;
        log.WriteLine($"# measured: {measured.Events} events in {measured.Elapsed.TotalSeconds:F2} s = {rate:F0} events/s, {measured.Appends} appends");

        var problems = await VerifyAsync(system.Store, warmUp.Events + measured.Events, cancellationToken).ConfigureAwait(false);
        foreach (var problem in problems)
        {
            log.WriteLine("# verification: " + problem);
        }

        var latency = measured.Latency.Percentiles();
        return new BenchmarkResult(settings.System, Name, settings.Items, settings.Consumers, measured.Elapsed.TotalSeconds, rate, latency.P50Milliseconds, latency.P99Milliseconds, problems.Count == 0, settings.Ablations, EventBatch: settings.EventBatch, InFlight: settings.InFlight);
    }

    private static async Task<Outcome> RunOnceAsync(IEventStoreWriter store, string run, int events, BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var latency = new LatencyHistogram();
        var appends = events / settings.EventBatch;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var streams = Enumerable.Range(0, settings.Consumers * settings.InFlight).Select(stream => Task.Run(async () =>
        {
            var version = 0L;
            var name = $"{run}{stream / settings.InFlight}-{stream % settings.InFlight}";
            while (Interlocked.Increment(ref next) < appends)
            {
                var batch = new EventData[settings.EventBatch];
                for (var index = 0; index < batch.Length; index++)
                {
                    batch[index] = new EventData(MessageIds.New(), "order-placed", Payload, EventMetadata.Empty);
                }

                var started = Stopwatch.GetTimestamp();
                var result = await store.AppendAsync(name, ExpectedVersion.Exact(version), batch, cancellationToken).ConfigureAwait(false);
                latency.Record(Stopwatch.GetTimestamp() - started);
                version = result.StreamVersion;
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(streams).ConfigureAwait(false);
        return new Outcome((long)appends * settings.EventBatch, appends, clock.Elapsed, latency);
    }

    private static async Task<List<string>> VerifyAsync(IEventStoreReader store, long expected, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var position = 0L;
        var lastPosition = 0L;
        while (true)
        {
            var page = await store.ReadAllAsync(position, 5_000, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var recorded in page.Events)
            {
                if (!ids.Add(recorded.EventId))
                {
                    problems.Add($"event {recorded.EventId} appears twice");
                }

                if (recorded.Position <= lastPosition)
                {
                    problems.Add($"position {recorded.Position} follows {lastPosition}");
                }

                lastPosition = recorded.Position;
                var version = versions.GetValueOrDefault(recorded.StreamId) + 1;
                if (recorded.StreamVersion != version)
                {
                    problems.Add($"{recorded.StreamId} has version {recorded.StreamVersion} where {version} was due");
                }

                versions[recorded.StreamId] = recorded.StreamVersion;
            }

            position = page.NextPosition;
            if (page.IsEnd || problems.Count > 10)
            {
                break;
            }
        }

        if (ids.Count != expected)
        {
            problems.Add($"the store holds {ids.Count} events, {expected} were appended");
        }

        return problems;
    }

    private sealed record Outcome(long Events, int Appends, TimeSpan Elapsed, LatencyHistogram Latency);
}
