using System.Collections.Concurrent;

namespace Switchboard.Benchmarks.Scenarios.Ordered;

/// <summary>The per-key bookkeeping of every run (a singleton; runs tell theirs apart by the item ids).</summary>
public sealed class KeyOrderLedger
{
    private readonly ConcurrentDictionary<int, KeyOrderRun> _runs = new();

    /// <summary>The bookkeeping of run <paramref name="run"/>.</summary>
    public KeyOrderRun Of(int run) => _runs.GetOrAdd(run, static _ => new KeyOrderRun(OrderedScenario.Keys));
}
