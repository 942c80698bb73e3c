using System.Diagnostics;
using Switchboard.EventSourcing;
using Switchboard.Messages;
using Switchboard.EventSourcing.Subscriptions;

namespace Switchboard.Benchmarks.EventStore;

/// <summary>
/// <c>catchup</c>: N stored events (default 1,000,000, appended in batches of 1,000 before the clock starts) read by
/// one <see cref="EventSubscription"/> from position 0. Throughput is events handed to the subscription's handler per
/// second. Correct when the handler saw every event once, in increasing positions.
/// </summary>
public static class CatchupScenario
{
    /// <summary>The scenario's name.</summary>
    public const string Name = "catchup";

    private const int AppendBatch = 1_000;

    private static readonly byte[] Payload = """{"orderId":"6f1c1a44-3f57-4d8e-9a55-0b6f0e2f9a11","amount":42.5,"sku":"SKU-0042","quantity":3}"""u8.ToArray();

    /// <summary>Fills the store, then measures one subscription catching up.</summary>
    public static async Task<BenchmarkResult> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        log.WriteLine($"# {settings.System} catchup: N={settings.Items}, {Environment.ProcessorCount} cores");
        await using var system = await EventStoreSystems.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
        var store = system.Store;
        var checkpoints = system.Checkpoints;
        var fill = Stopwatch.StartNew();
        for (var appended = 0; appended < settings.Items; appended += AppendBatch)
        {
            var batch = Enumerable.Range(0, Math.Min(AppendBatch, settings.Items - appended))
                .Select(_ => new EventData(MessageIds.New(), "order-placed", Payload, EventMetadata.Empty))
                .ToList();
            await store.AppendAsync($"order-{appended / AppendBatch % 1_000}", ExpectedVersion.Any, batch, cancellationToken).ConfigureAwait(false);
        }

        log.WriteLine($"# filled {settings.Items} events in {fill.Elapsed.TotalSeconds:F1} s (not measured)");
        var warmUp = await CatchUpAsync(store, checkpoints, "warm-up", Math.Min(settings.Items, BenchmarkSettings.WarmUpItems), cancellationToken).ConfigureAwait(false);
        log.WriteLine($"# warm-up: {warmUp.Seen} events in {warmUp.Elapsed.TotalSeconds:F2} s");
        var measured = await CatchUpAsync(store, checkpoints, "measured", settings.Items, cancellationToken).ConfigureAwait(false);
        var rate = measured.Seen / measured.Elapsed.TotalSeconds;
        log.WriteLine($"# measured: {measured.Seen} events in {measured.Elapsed.TotalSeconds:F2} s = {rate:F0} events/s");
        var correct = measured.Seen == settings.Items && measured.Ordered;
        if (!correct)
        {
            log.WriteLine($"# verification: saw {measured.Seen} of {settings.Items} events, in order: {measured.Ordered}");
        }

        return new BenchmarkResult(settings.System, Name, settings.Items, 1, measured.Elapsed.TotalSeconds, rate, 0, 0, correct, settings.Ablations);
    }

    private static async Task<Outcome> CatchUpAsync(IEventStoreReader store, ICheckpointStore checkpoints, string name, int target, CancellationToken cancellationToken)
    {
        var counter = new Counter(target);
        var clock = Stopwatch.StartNew();
        await using (var subscription = new EventSubscription(store, checkpoints, new SubscriptionOptions(name) { BatchSize = 2_000, CheckpointInterval = TimeSpan.FromSeconds(5) }, counter))
        {
            await subscription.StartAsync(cancellationToken).ConfigureAwait(false);
            await counter.Done.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
            clock.Stop();
        }

        return new Outcome(counter.Seen, counter.Ordered, clock.Elapsed);
    }

    private sealed class Counter(int target) : IEventBatchHandler
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _last;

        public long Seen { get; private set; }

        public bool Ordered { get; private set; } = true;

        public Task Done => _done.Task;

        public ValueTask HandleAsync(EventBatch batch, CancellationToken cancellationToken)
        {
            foreach (var recorded in batch.Events)
            {
                Ordered &= recorded.Position > _last;
                _last = recorded.Position;
                if (++Seen == target)
                {
                    _done.TrySetResult();
                }
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed record Outcome(long Seen, bool Ordered, TimeSpan Elapsed);
}
