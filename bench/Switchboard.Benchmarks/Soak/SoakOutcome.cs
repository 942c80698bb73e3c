using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Soak;

/// <summary>How a soak ended.</summary>
/// <param name="Sent">Items sent (every send started was committed or failed).</param>
/// <param name="Handled">Distinct items handled.</param>
/// <param name="Duplicates">Completions of items already handled.</param>
/// <param name="Unexpected">Completions of items not sent in this run, or with a wrong amount.</param>
/// <param name="Drained">The producer stopped without failure and every item sent was handled before the timeout.</param>
/// <param name="Failure">What made the producer fail, if it did.</param>
/// <param name="Elapsed">From just before the first send to the last item handled (or to now, if not drained).</param>
/// <param name="Latency">Send-to-handled percentiles over every item handled.</param>
/// <param name="Peaks">The WAL and working-set observations.</param>
/// <param name="FinalWalBytes">The WAL after the drain; null when the system keeps none.</param>
public sealed record SoakOutcome(
    int Sent,
    long Handled,
    int Duplicates,
    int Unexpected,
    bool Drained,
    Exception? Failure,
    TimeSpan Elapsed,
    LatencyPercentiles Latency,
    SoakPeaks Peaks,
    long? FinalWalBytes)
{
    /// <summary>Items sent and never handled.</summary>
    public long Lost => Sent - Handled;

    /// <summary>Items handled per second over the whole soak.</summary>
    public double HandledPerSecond => Elapsed > TimeSpan.Zero ? Handled / Elapsed.TotalSeconds : 0;

    /// <summary>A line for stderr.</summary>
    public string Describe()
    {
        var state = Failure is not null ? $"FAILED ({Failure.GetType().Name}: {Failure.Message})"
            : !Drained ? $"NOT DRAINED: {Handled} of {Sent} items handled"
            : "drained";
        return $"soak: {state}; {Sent} items, {Elapsed.TotalSeconds:F3} s, {HandledPerSecond:F0} msgs/s, "
            + $"p50 {Latency.P50Milliseconds:F3} ms, p99 {Latency.P99Milliseconds:F3} ms; lost {Lost}, duplicates {Duplicates}, unexpected {Unexpected}";
    }
}
