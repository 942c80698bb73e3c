namespace Switchboard.Benchmarks.Measurement;

/// <summary>How one run (warm-up or measured) ended.</summary>
/// <param name="Snapshot">Its figures.</param>
/// <param name="Finished">Every item was fully handled before the timeout.</param>
/// <param name="Failure">What made the producer fail, if it did.</param>
/// <param name="Cost">CPU, allocations and collections from the start to the last completion.</param>
public sealed record RunOutcome(RunSnapshot Snapshot, bool Finished, Exception? Failure, ProcessCost Cost)
{
    /// <summary>Finished, without failure, every completion exactly once.</summary>
    public bool Correct => Finished && Failure is null && Snapshot.ExactlyOnce;

    /// <summary>A line for stderr.</summary>
    public string Describe(string label)
    {
        var s = Snapshot;
        var state = Failure is not null ? $"FAILED ({Failure.GetType().Name}: {Failure.Message})"
            : !Finished ? $"TIMED OUT with {s.CompletedItems} of {s.Items} items fully handled"
            : "finished";
        return $"{label}: {state}; {s.Items} items x {s.Slots} completions, {s.Elapsed.TotalSeconds:F3} s, "
            + $"{s.CompletionsPerSecond:F0} completions/s, p50 {s.Latency.P50Milliseconds:F3} ms, p99 {s.Latency.P99Milliseconds:F3} ms; "
            + $"lost {s.Lost}, duplicates {s.Duplicates}, unexpected {s.Unexpected}";
    }
}
