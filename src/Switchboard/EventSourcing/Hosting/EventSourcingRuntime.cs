using Switchboard.EventSourcing.Projections;
using Switchboard.EventSourcing.Subscriptions;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>The running projections and subscriptions of the application: for read-your-writes waits, rebuilds and lag.</summary>
public sealed class EventSourcingRuntime
{
    private readonly IEventStore _store;
    private readonly IReadOnlyList<RunnerRegistration> _runners;

    internal EventSourcingRuntime(IEventStore store, IReadOnlyList<RunnerRegistration> runners)
    {
        _store = store;
        _runners = runners;
    }

    /// <summary>The host of the projection of type <typeparamref name="TProjection"/>.</summary>
    public ProjectionHost Projection<TProjection>()
        where TProjection : Projection =>
        _runners.FirstOrDefault(r => r.Projection?.Projection is TProjection)?.Projection
        ?? throw new InvalidOperationException($"Projection {typeof(TProjection)} is not configured.");

    /// <summary>The subscription named <paramref name="name"/> (for a projection: its live subscription).</summary>
    public EventSubscription Subscription(string name) =>
        _runners.FirstOrDefault(r => r.Name == name) is { } runner
            ? runner.Subscription ?? runner.Projection!.Subscription ?? throw new InvalidOperationException($"Projection '{name}' is not started.")
            : throw new InvalidOperationException($"Subscription '{name}' is not configured.");

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        foreach (var runner in _runners)
        {
            await runner.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var runner in _runners.Reverse())
        {
            await runner.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
