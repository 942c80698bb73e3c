using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Configuration;
using Switchboard.Transport;

namespace Switchboard.Hosting;

/// <summary>
/// Dead letters are not piling up: how many this process's endpoints' dead-letter queues gained within the window,
/// against the thresholds. Growth is counted from the check's own samples, so the first check after a start sees none;
/// dead letters already there are reported, not graded (an operator may be looking at them).
/// </summary>
internal sealed class DeadLetterHealthCheck(BusConfiguration configuration, TransportHost transport, SwitchboardHealthOptions options, TimeProvider time) : IHealthCheck
{
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset At, long Total)> _samples = [];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        long total = 0;
        try
        {
            // Asked here, not injected: before the transport has connected there is none to ask.
            var deadLetters = transport.Transport.DeadLetters;
            foreach (var endpoint in configuration.Endpoints)
            {
                var count = await deadLetters.CountAsync(endpoint.Queue, cancellationToken).ConfigureAwait(false);
                if (count > 0)
                {
                    data[endpoint.Queue] = count;
                }

                total += count;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The dead-letter queues cannot be counted: " + e.Message, e);
        }

        var growth = Grow(total);
        data["newInWindow"] = growth;
        var status = SwitchboardHealthOptions.Grade(growth, options.DeadLettersDegraded, options.DeadLettersUnhealthy);
        return new HealthCheckResult(status, $"{growth} new dead letter(s) in the last {options.DeadLetterWindow}; {total} in all.", data: data);
    }

    // Growth since the newest sample at least a window old (else the oldest one): samples older than that are dropped.
    private long Grow(long total)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _samples.Add((now, total));
            var start = now - options.DeadLetterWindow;
            var baseline = _samples.FindLastIndex(s => s.At <= start);
            if (baseline > 0)
            {
                _samples.RemoveRange(0, baseline);
            }

            return Math.Max(0, total - _samples[0].Total);
        }
    }
}
