using HdrHistogram;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>The p50 and p99 of a set of latencies, as the JSON line reports them.</summary>
public sealed record LatencyPercentiles(long Samples, double P50Milliseconds, double P99Milliseconds)
{
    /// <summary>
    /// Reads the percentiles of a histogram of microseconds with HdrHistogram's <c>GetValueAtPercentile</c>: the sample
    /// at rank <c>round(p/100 × n)</c> (at least 1), reported as the highest value equivalent to it at the histogram's
    /// 3 significant digits. For p50 and p99 of a run whose n is a multiple of 100 that is the nearest rank exactly.
    /// NaN when it is empty.
    /// </summary>
    public static LatencyPercentiles Of(HistogramBase microseconds)
    {
        if (microseconds.TotalCount == 0)
        {
            return new LatencyPercentiles(0, double.NaN, double.NaN);
        }

        return new LatencyPercentiles(
            microseconds.TotalCount,
            microseconds.GetValueAtPercentile(50) / 1000.0,
            microseconds.GetValueAtPercentile(99) / 1000.0);
    }
}
