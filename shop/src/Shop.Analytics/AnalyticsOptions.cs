using Switchboard.Retries;

namespace Shop.Analytics;

/// <summary>Settings of the Analytics service.</summary>
public sealed record AnalyticsOptions
{
    /// <summary>Retries of the <c>analytics</c> endpoint (the framework's defaults).</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>Messages the endpoint handles at once. Default 4.</summary>
    public int Concurrency { get; init; } = 4;
}
