using Switchboard;

namespace Shop.Infrastructure;

/// <summary>How a Shop service's endpoint runs: how many messages it handles at once, and its retries.</summary>
public abstract record ShopEndpointOptions
{
    /// <summary>
    /// Retries for a service that may see an order's later event before the earlier one it needs (they are handled
    /// concurrently): a few immediate retries, then delayed ones for several minutes, until the earlier one is there.
    /// </summary>
    public static RetryPolicy UntilEarlierEventArrives { get; } = new()
    {
        ImmediateRetries = 3,
        DelayedRetries = 10,
        BaseDelay = TimeSpan.FromMilliseconds(250),
        MaxDelay = TimeSpan.FromSeconds(30),
    };

    /// <summary>Messages the endpoint handles at once. Default 4, unless the service says otherwise.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>The endpoint's retry policy. Default: the framework's (2 immediate retries, 3 delayed rounds from 1 s), unless the service says otherwise.</summary>
    public RetryPolicy Retry { get; init; } = new();
}
