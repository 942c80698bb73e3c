using Switchboard.Diagnostics;

namespace Switchboard.Tests.Diagnostics;

public sealed class NearestRankTests
{
    [Fact]
    public void A_percentile_is_the_value_at_rank_ceil_p_times_n()
    {
        long[] values = [.. Enumerable.Range(1, 100).Select(i => (long)i)];
        Assert.Equal(50, NearestRank.Percentile(values, 50));
        Assert.Equal(95, NearestRank.Percentile(values, 95));
        Assert.Equal(100, NearestRank.Percentile(values, 100));
        Assert.Equal(1, NearestRank.Percentile(values, 0));
    }

    [Fact]
    public void A_rank_between_two_values_takes_the_higher_and_never_interpolates()
    {
        double[] values = [10, 20, 30, 40];
        Assert.Equal(20, NearestRank.Percentile(values, 50));
        Assert.Equal(30, NearestRank.Percentile(values, 51));
        Assert.Equal(40, NearestRank.Percentile(values, 99));
    }

    [Fact]
    public void Any_percentile_of_one_value_is_that_value()
    {
        Assert.Equal(7, NearestRank.Percentile([7L], 95));
        Assert.Equal(7, NearestRank.Percentile([7L], 1));
    }

    [Fact]
    public void An_empty_list_has_no_percentile()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NearestRank.Percentile(Array.Empty<long>(), 50));
    }
}
