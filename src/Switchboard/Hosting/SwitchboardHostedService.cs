using Microsoft.Extensions.Hosting;
using Switchboard.Runtime;

namespace Switchboard.Hosting;

/// <summary>Starts the bus's endpoints with the host and drains them when it stops, within the host's shutdown timeout.</summary>
internal sealed class SwitchboardHostedService(BusRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);
}
