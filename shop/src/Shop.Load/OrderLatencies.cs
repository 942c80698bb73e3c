using HdrHistogram;

namespace Shop;

/// <summary>
/// The order-to-terminal latencies of a load run, on HdrHistogram as the benchmark runner records its own: microseconds
/// from 1 µs to one hour at 3 significant digits (a percentile read from it is within 0.1 % of the true value).
/// </summary>
internal sealed class OrderLatencies
{
    private const long HighestMicroseconds = 3_600_000_000;
    private readonly LongHistogram _microseconds = new(1, HighestMicroseconds, 3);

    /// <summary>Orders recorded.</summary>
    public long Count => _microseconds.TotalCount;

    /// <summary>Records one order's time from its due time to its terminal time (negative counts as 0, over an hour as an hour).</summary>
    public void Record(TimeSpan latency) =>
        _microseconds.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 0, HighestMicroseconds));

    /// <summary>
    /// The latency in milliseconds at <paramref name="percentile"/> (0 to 100): HdrHistogram's <c>GetValueAtPercentile</c>,
    /// the sample at rank <c>round(p/100 × n)</c> to 0.1 %; 0 when nothing was recorded.
    /// </summary>
    public double Milliseconds(double percentile) =>
        Count == 0 ? 0 : _microseconds.GetValueAtPercentile(percentile) / 1000.0;
}
