using Switchboard.Configuration;

namespace Switchboard.Tests.Configuration;

public sealed class EndpointOptionsTests
{
    [Fact]
    public void The_default_prefetch_is_sixteen_per_handler_slot_and_follows_the_concurrency()
    {
        var options = new EndpointOptions();

        Assert.Equal(64, options.Prefetch);
        Assert.Equal(512, (options with { Concurrency = 32 }).Prefetch);
    }

    [Fact]
    public void A_prefetch_set_explicitly_stays_whatever_the_concurrency()
    {
        var options = new EndpointOptions { Prefetch = 256 } with { Concurrency = 1 };

        Assert.Equal(256, options.Prefetch);
    }
}
