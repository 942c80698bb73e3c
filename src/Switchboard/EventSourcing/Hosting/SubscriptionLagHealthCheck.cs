using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Configuration;
using Switchboard.Hosting;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>Every running subscription and projection keeps up: its lag (events in the store after its position) against the thresholds.</summary>
internal sealed class SubscriptionLagHealthCheck(EventSourcingRuntime runtime, SwitchboardHealthOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lags = runtime.Lags;
        var data = lags.ToDictionary(l => l.Name, l => (object)l.Lag, StringComparer.Ordinal);
        var worst = lags.Count == 0 ? default : lags.MaxBy(l => l.Lag);
        var status = SwitchboardHealthOptions.Grade(worst.Lag, options.SubscriptionLagDegraded, options.SubscriptionLagUnhealthy);
        var description = lags.Count == 0
            ? "No subscription or projection is running."
            : $"{lags.Count} subscription(s) and projection(s); the furthest behind, '{worst.Name}', by {worst.Lag} event(s).";
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }
}
