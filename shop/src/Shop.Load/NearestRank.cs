namespace Shop;

/// <summary>Nearest-rank percentiles, as BENCHMARKS.md defines them.</summary>
internal static class NearestRank
{
    /// <summary>The value at <paramref name="rank"/> (0.5 for p50) of <paramref name="sorted"/> (ascending); 0 when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double rank) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(rank * sorted.Count) - 1, 0, sorted.Count - 1)];
}
