
namespace Switchboard.Tests.Retries;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Delays_grow_exponentially_within_the_jitter()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(1), Jitter = 0.2, MaxDelay = TimeSpan.FromHours(1) };

        for (var round = 1; round <= 5; round++)
        {
            var expected = Math.Pow(2, round - 1);
            for (var i = 0; i < 100; i++)
            {
                Assert.InRange(policy.DelayFor(round).TotalSeconds, expected * 0.8 - 1e-9, expected * 1.2 + 1e-9);
            }
        }
    }

    [Fact]
    public void Delays_are_capped()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(1), Jitter = 0, MaxDelay = TimeSpan.FromSeconds(10) };

        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayFor(30));
    }

    [Fact]
    public void Jitter_spreads_the_delays()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromSeconds(1), Jitter = 0.2 };

        var distinct = Enumerable.Range(0, 50).Select(_ => policy.DelayFor(1)).Distinct().Count();

        Assert.True(distinct > 10, $"only {distinct} distinct delays in 50");
    }
}
