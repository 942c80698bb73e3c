using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Configuration;
using Switchboard.Persistence;

namespace Switchboard.Hosting;

/// <summary>
/// The outbox is draining: its oldest pending message is younger than the thresholds, and nothing is quarantined (a
/// quarantined message waits for an operator: Degraded).
/// </summary>
internal sealed class OutboxHealthCheck(IMessageStore store, SwitchboardHealthOptions options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        OutboxStatistics statistics;
        try
        {
            statistics = await store.Outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The outbox cannot be read: " + e.Message, e);
        }

        var age = statistics.OldestPendingAt is { } oldest ? time.GetUtcNow() - oldest : TimeSpan.Zero;
        var status = SwitchboardHealthOptions.Grade(age.Ticks, options.OutboxDegradedAge.Ticks, options.OutboxUnhealthyAge.Ticks);
        if (statistics.Quarantined > 0 && status == HealthStatus.Healthy)
        {
            status = HealthStatus.Degraded;
        }

        var data = new Dictionary<string, object>
        {
            ["pending"] = statistics.Pending,
            ["oldestPendingSeconds"] = Math.Round(age.TotalSeconds, 1),
            ["quarantined"] = statistics.Quarantined,
        };
        var description = $"{statistics.Pending} pending, the oldest {age.TotalSeconds:0.#} s old; {statistics.Quarantined} quarantined.";
        return new HealthCheckResult(status, description, data: data);
    }
}
