using Switchboard.EventSourcing.Projections;
using Switchboard.EventSourcing.Subscriptions;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>A projection or subscription the runtime starts and stops.</summary>
internal sealed record RunnerRegistration(string Name, ProjectionHost? Projection, EventSubscription? Subscription)
{
    public static RunnerRegistration For(ProjectionHost host) => new(host.Projection.Name, host, null);

    public static RunnerRegistration For(EventSubscription subscription) => new(subscription.Name, null, subscription);

    /// <summary>Whether it starts only after the bus: subscriptions may publish (forwarding does); projections only write their read model.</summary>
    public bool NeedsBus => Subscription is not null;

    public Task StartAsync(CancellationToken cancellationToken) =>
        Projection?.StartAsync(cancellationToken) ?? Subscription!.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) =>
        Projection?.StopAsync(cancellationToken) ?? Subscription!.StopAsync(cancellationToken);
}
