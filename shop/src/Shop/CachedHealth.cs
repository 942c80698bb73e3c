using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop;

/// <summary>
/// One set of health checks, asked at most once per <see cref="ShopReadiness.AnswerLifetime"/> whatever the number of
/// callers: an anonymous endpoint must not let anyone make the service query its databases and broker at will.
/// </summary>
internal sealed class CachedHealth(HealthCheckService checks, TimeProvider time, Func<HealthCheckRegistration, bool> predicate)
{
    private readonly SemaphoreSlim _asking = new(1, 1);
    private volatile Answer? _last;

    /// <summary>The checks' overall status: the worst of them.</summary>
    public async Task<HealthStatus> StatusAsync(CancellationToken cancellationToken)
    {
        if (_last is { } fresh && time.GetUtcNow() - fresh.At < ShopReadiness.AnswerLifetime)
        {
            return fresh.Status;
        }

        await _asking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_last is { } answered && time.GetUtcNow() - answered.At < ShopReadiness.AnswerLifetime)
            {
                return answered.Status;
            }

            var report = await checks.CheckHealthAsync(predicate, cancellationToken).ConfigureAwait(false);
            _last = new Answer(report.Status, time.GetUtcNow());
            return report.Status;
        }
        finally
        {
            _asking.Release();
        }
    }

    private sealed record Answer(HealthStatus Status, DateTimeOffset At);
}
