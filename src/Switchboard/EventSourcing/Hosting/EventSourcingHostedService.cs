using Microsoft.Extensions.Hosting;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>Starts the event store, its projections and (once the bus has started) its subscriptions; stops them before the bus.</summary>
internal sealed class EventSourcingHostedService(EventSourcingRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);
}
