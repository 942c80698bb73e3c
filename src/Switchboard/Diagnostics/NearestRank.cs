namespace Switchboard.Diagnostics;

/// <summary>
/// Percentiles of a small list held in memory (an operator's report, a test's figures, a demo's summary), by the
/// nearest-rank method: the <c>p</c>-th percentile of <c>n</c> values sorted ascending is the value at rank
/// <c>ceil(p / 100 × n)</c> (1-based; rank 0 counts as 1), so it is always one of the values, never an interpolation.
/// For p50 of 1..100 that is 50, for p95 95, for p100 100; any percentile of a single value is that value. Latencies
/// of a benchmark or load run, too many to keep, go into an HdrHistogram instead.
/// </summary>
public static class NearestRank
{
    /// <summary>
    /// The nearest-rank <paramref name="percentile"/> (0 to 100) of <paramref name="sorted"/>, which must be sorted
    /// ascending and not empty.
    /// </summary>
    public static T Percentile<T>(IReadOnlyList<T> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
