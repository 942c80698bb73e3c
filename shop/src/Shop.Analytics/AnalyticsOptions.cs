using Shop.Infrastructure;

namespace Shop.Analytics;

/// <summary>Settings of the Analytics service.</summary>
public sealed record AnalyticsOptions : ShopEndpointOptions;
