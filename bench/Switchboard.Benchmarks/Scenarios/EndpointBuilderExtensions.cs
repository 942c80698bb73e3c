using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Scenarios;

/// <summary>The receive-endpoint settings every scenario uses (protocol rule 4).</summary>
public static class EndpointBuilderExtensions
{
    /// <summary>Prefetch 256 (or as <c>--prefetch</c> says) and up to C handlers at once.</summary>
    public static EndpointBuilder WithProtocolLimits(this EndpointBuilder endpoint, BenchmarkSettings settings) =>
        endpoint.Concurrency(settings.Consumers).Prefetch(settings.Prefetch);
}
