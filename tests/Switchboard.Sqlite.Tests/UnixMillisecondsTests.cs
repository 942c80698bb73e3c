namespace Switchboard.Sqlite.Tests;

public sealed class UnixMillisecondsTests
{
    [Fact]
    public void A_due_time_between_milliseconds_is_rounded_up_so_it_is_never_early()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123).AddTicks(4_567);

        Assert.Equal(1_700_000_000_124, UnixMilliseconds.DueAt(at));
    }

    [Fact]
    public void A_due_time_on_a_millisecond_is_kept()
    {
        Assert.Equal(1_700_000_000_123, UnixMilliseconds.DueAt(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)));
    }
}
