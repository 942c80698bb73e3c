using Microsoft.Extensions.Hosting;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>Starts the event store and its projections and subscriptions after the bus, and stops them before it.</summary>
internal sealed class EventSourcingHostedService(EventSourcingRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);
}
