namespace Shop.Http;

/// <summary>
/// The rate limit of <c>POST /orders</c>, per customer (the token's subject): a token bucket of <see cref="Burst"/>
/// orders, refilled with <see cref="PerPeriod"/> every <see cref="Period"/>; past it, 429 with <c>Retry-After</c>. The
/// defaults (bursts of 100, 50 a second) never hold back the demo (its 40 customers at 1,000 orders a second are 25 a
/// second each) nor <c>shop load</c> (50 orders per customer, at any rate).
/// </summary>
public sealed record OrderRateLimitOptions
{
    /// <summary>Orders a customer may place at once. Default 100.</summary>
    public int Burst { get; init; } = 100;

    /// <summary>Orders added back every <see cref="Period"/>, up to <see cref="Burst"/>. Default 50.</summary>
    public int PerPeriod { get; init; } = 50;

    /// <summary>How often <see cref="PerPeriod"/> orders are added back. Default one second.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming what is out of range.</summary>
    public void Validate()
    {
        if (Burst < 1 || PerPeriod < 1 || Period <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The order rate limit needs a burst and a rate of at least 1 and a positive period (burst {Burst}, {PerPeriod} per {Period}).");
        }
    }
}
