using System.Diagnostics;
using HdrHistogram;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// Latencies of a run in fixed memory, on HdrHistogram: microseconds from 1 µs to one hour at 3 significant digits
/// (a percentile read from it is within 0.1 % of the true value). Recording is safe from any number of threads.
/// </summary>
public sealed class LatencyHistogram
{
    private const long HighestMicroseconds = 3_600_000_000;
    private const int SignificantDigits = 3;
    private readonly LongConcurrentHistogram _microseconds = new(1, HighestMicroseconds, SignificantDigits);

    /// <summary>Records one latency given in <see cref="Stopwatch"/> ticks (negative values count as 0, longer than an hour as an hour).</summary>
    public void Record(long ticks)
    {
        var microseconds = (long)(Math.Max(0, ticks) * (1_000_000.0 / Stopwatch.Frequency));
        _microseconds.RecordValue(Math.Min(microseconds, HighestMicroseconds));
    }

    /// <summary>The p50 and p99 of everything recorded so far.</summary>
    public LatencyPercentiles Percentiles() => LatencyPercentiles.Of(_microseconds.Copy());
}
