using System.Diagnostics;
using System.Numerics;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// Latencies of a run of unknown length in fixed memory: a log-linear histogram of <see cref="Stopwatch"/> ticks,
/// 64 buckets per power of two (values below 128 ticks exact), so a percentile read from it is within 1/128 of
/// the true value. Recording is one interlocked increment.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Exact = SubBuckets * 2;
    private readonly long[] _counts = new long[Exact + ((63 - SubBucketBits - 1) * SubBuckets)];

    /// <summary>Records one latency in ticks (negative values count as 0).</summary>
    public void Record(long ticks) => Interlocked.Increment(ref _counts[IndexOf(Math.Max(0, ticks))]);

    /// <summary>Nearest-rank p50 and p99 of everything recorded, each the middle of its bucket.</summary>
    public LatencyPercentiles Percentiles()
    {
        var counts = new long[_counts.Length];
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Volatile.Read(ref _counts[i]);
            total += counts[i];
        }

        if (total == 0)
        {
            return new LatencyPercentiles(0, double.NaN, double.NaN);
        }

        return new LatencyPercentiles((int)Math.Min(total, int.MaxValue), Milliseconds(NearestRank(counts, total, 50)), Milliseconds(NearestRank(counts, total, 99)));
    }

    private static double NearestRank(long[] counts, long total, int percent)
    {
        var rank = Math.Clamp((long)Math.Ceiling(percent / 100.0 * total), 1, total);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Middle(i);
            }
        }

        return Middle(counts.Length - 1);
    }

    private static int IndexOf(long value)
    {
        if (value < Exact)
        {
            return (int)value;
        }

        var log2 = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = log2 - SubBucketBits;
        var mantissa = (int)(value >> shift);
        return Exact + ((shift - 1) * SubBuckets) + (mantissa - SubBuckets);
    }

    private static double Middle(int index)
    {
        if (index < Exact)
        {
            return index;
        }

        var shift = ((index - Exact) / SubBuckets) + 1;
        var mantissa = SubBuckets + ((index - Exact) % SubBuckets);
        var low = (double)mantissa * (1L << shift);
        return low + ((1L << shift) - 1) / 2.0;
    }

    private static double Milliseconds(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
