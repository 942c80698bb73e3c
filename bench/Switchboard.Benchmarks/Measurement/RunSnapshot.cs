namespace Switchboard.Benchmarks.Measurement;

/// <summary>The figures of one run.</summary>
/// <param name="Items">Items the run was to handle.</param>
/// <param name="Slots">Completions per item.</param>
/// <param name="CompletedItems">Items fully handled.</param>
/// <param name="Elapsed">From just before the first send to the last completion (or to now, if unfinished).</param>
/// <param name="DistinctCompletions">Completions that arrived at least once.</param>
/// <param name="Duplicates">Completions that arrived more than once (each extra arrival counts).</param>
/// <param name="Unexpected">Completions of items not in this run, or with a wrong amount.</param>
/// <param name="Latency">Latency percentiles over every distinct completion.</param>
public sealed record RunSnapshot(
    int Items,
    int Slots,
    long CompletedItems,
    TimeSpan Elapsed,
    int DistinctCompletions,
    int Duplicates,
    int Unexpected,
    LatencyPercentiles Latency)
{
    /// <summary>Completions that never arrived.</summary>
    public long Lost => (long)Items * Slots - DistinctCompletions;

    /// <summary>Every completion arrived exactly once and nothing else did.</summary>
    public bool ExactlyOnce => Lost == 0 && Duplicates == 0 && Unexpected == 0;

    /// <summary>Completions per second (messages, deliveries or terminal orders).</summary>
    public double CompletionsPerSecond => Elapsed > TimeSpan.Zero ? DistinctCompletions / Elapsed.TotalSeconds : 0;
}
