using Switchboard;
using Shop.Infrastructure;

namespace Shop.Payment;

/// <summary>Settings of the Payment service and of its simulated gateway.</summary>
public sealed record PaymentOptions : ShopEndpointOptions
{
    /// <summary>
    /// Settings whose endpoint handles 32 messages at once (most of a charge is waiting for the gateway, and calls
    /// overlap) and retries transient gateway failures: 2 immediate retries, then 3 delayed rounds from 1 s. When the
    /// last delayed round still finds the gateway unavailable, the order's payment fails (<c>PaymentFailed</c> with
    /// reason <c>payment_gateway_unavailable</c>) instead of being dead-lettered.
    /// </summary>
    public PaymentOptions()
    {
        Concurrency = 32;
        Retry = new RetryPolicy { ImmediateRetries = 2, DelayedRetries = 3, BaseDelay = TimeSpan.FromSeconds(1) };
    }

    /// <summary>
    /// Shortest simulated gateway round trip. Default zero: benchmarks measure Shop, not a sleep; <c>shop run
    /// --gateway-latency 50ms</c> simulates a real gateway's tens of milliseconds, where more Payment instances matter.
    /// </summary>
    public TimeSpan GatewayMinLatency { get; init; }

    /// <summary>Longest simulated gateway round trip (each call takes a random time between the two). Default zero.</summary>
    public TimeSpan GatewayMaxLatency { get; init; }

    /// <summary>How many calls with one idempotency key fail transiently for <c>tok_chargeDeclinedProcessingError</c> before it approves. Default 1.</summary>
    public int GatewayTransientFailures { get; init; } = 1;

    /// <summary>How many idempotency keys (and charges) the simulated gateway remembers; the oldest are forgotten past it. Default 100,000.</summary>
    public int GatewayMaxRecords { get; init; } = 100_000;
}
