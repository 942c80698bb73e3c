using System.Diagnostics;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>Nearest-rank percentiles of a set of latencies.</summary>
public sealed record LatencyPercentiles(int Samples, double P50Milliseconds, double P99Milliseconds)
{
    /// <summary>Computes the percentiles of latencies given in <see cref="Stopwatch"/> ticks (sorts the array).</summary>
    public static LatencyPercentiles FromTicks(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return new LatencyPercentiles(0, double.NaN, double.NaN);
        }

        Array.Sort(ticks);
        return new LatencyPercentiles(ticks.Length, Milliseconds(NearestRank(ticks, 50)), Milliseconds(NearestRank(ticks, 99)));
    }

    /// <summary>The smallest value such that at least <paramref name="percent"/>% of the sorted values are at or below it.</summary>
    public static long NearestRank(long[] sorted, int percent)
    {
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
