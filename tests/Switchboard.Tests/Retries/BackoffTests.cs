using Switchboard.Retries;

namespace Switchboard.Tests.Retries;

public sealed class BackoffTests
{
    [Fact]
    public void Without_jitter_each_delay_doubles_the_last_up_to_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

        TimeSpan[] delays = [.. Enumerable.Range(1, 8).Select(backoff.DelayFor)];

        Assert.Equal([200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public void Attempts_far_past_the_cap_and_below_one_stay_in_range()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(5), backoff.DelayFor(int.MaxValue));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.DelayFor(0));
    }

    [Fact]
    public void Jitter_keeps_each_delay_within_its_fraction()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), Jitter: 0.2);

        for (var i = 0; i < 100; i++)
        {
            Assert.InRange(backoff.DelayFor(3).TotalSeconds, 4 * 0.8 - 1e-9, 4 * 1.2 + 1e-9);
        }
    }
}
