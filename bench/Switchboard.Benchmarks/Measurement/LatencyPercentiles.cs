using HdrHistogram;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>The p50 and p99 of a set of latencies, as the JSON line reports them.</summary>
public sealed record LatencyPercentiles(long Samples, double P50Milliseconds, double P99Milliseconds)
{
    /// <summary>
    /// Reads the percentiles of a histogram of microseconds: HdrHistogram's value at each percentile, the highest
    /// value equivalent (to the histogram's 3 significant digits) to the sample of that rank. NaN when it is empty.
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
