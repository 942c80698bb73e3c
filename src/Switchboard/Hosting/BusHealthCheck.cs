using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Runtime;
using Switchboard.Transport;

namespace Switchboard.Hosting;

/// <summary>The bus is ready when its start completed (transport connected, store initialized, endpoints consuming) and its transport is connected now.</summary>
internal sealed class BusHealthCheck(BusRuntime runtime, TransportHost transport) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var startup = runtime.Startup;
        var result = !startup.IsStarted ? new HealthCheckResult(context.Registration.FailureStatus, $"The bus is not started: {startup.Status}")
            : !transport.IsConnected ? new HealthCheckResult(context.Registration.FailureStatus, "The transport lost its connection to the broker and is recovering it.")
            : HealthCheckResult.Healthy($"{runtime.RunningEndpoints} endpoint(s) consuming on {transport.Transport.Name}.");
        return Task.FromResult(result);
    }
}
