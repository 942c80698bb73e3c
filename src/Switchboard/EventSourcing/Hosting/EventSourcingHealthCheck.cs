using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>Event sourcing is ready when its store is initialized and every projection and subscription runs.</summary>
internal sealed class EventSourcingHealthCheck(EventSourcingRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (started, status) = runtime.Health;
        return Task.FromResult(started ? HealthCheckResult.Healthy(status) : new HealthCheckResult(context.Registration.FailureStatus, $"Event sourcing is not started: {status}"));
    }
}
