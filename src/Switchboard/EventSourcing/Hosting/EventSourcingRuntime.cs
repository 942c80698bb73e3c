using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.EventSourcing.Projections;
using Switchboard.EventSourcing.Subscriptions;
using Switchboard.Operations;
using Switchboard.Runtime;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>The running projections and subscriptions of the application: for read-your-writes waits, rebuilds and lag.</summary>
/// <remarks>
/// It starts in two parts, each retried in the background while the database or the broker cannot be reached: the event
/// store's schema and the projections as soon as the store answers, then the subscriptions (which may publish, as
/// forwarding to the bus does) once the bus has started too.
/// </remarks>
public sealed class EventSourcingRuntime
{
    private readonly IEventStore _store;
    private readonly IReadOnlyList<RunnerRegistration> _runners;
    private readonly HashSet<RunnerRegistration> _started = [];
    private readonly StartupLoop _storeStartup;
    private readonly StartupLoop _subscriptionsStartup;
    private readonly Task _busStarted;
    private readonly ILogger _logger;
    private bool _storeReady;

    internal EventSourcingRuntime(IEventStore store, IReadOnlyList<RunnerRegistration> runners, Task busStarted, BusOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _runners = runners;
        _busStarted = busStarted;
        _logger = logger;
        _storeStartup = new StartupLoop("Event sourcing", StartStoreAndProjectionsAsync, options, time, logger);
        _subscriptionsStartup = new StartupLoop("Event subscriptions", StartSubscriptionsAsync, options, time, logger);
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

    /// <summary>Every projection and subscription, with how far it has read: what an operator's console lists.</summary>
    public IReadOnlyList<EventRunnerStatus> Runners =>
        [.. _runners.Select(r =>
        {
            var running = r.Subscription ?? r.Projection?.Subscription;
            return new EventRunnerStatus(r.Name, r.Projection is not null, running is not null, running?.Position, running?.Lag, r.Projection?.Generation, r.Projection?.IsRebuilding ?? false);
        })];

    /// <summary>
    /// Rebuilds the projection named <paramref name="name"/> from the first event (see <see cref="ProjectionHost.RebuildAsync"/>):
    /// its live read model is served until the new generation has caught up.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no projection of that name (a subscription is not rebuilt: it would handle its events again).</exception>
    public Task RebuildAsync(string name, CancellationToken cancellationToken = default) =>
        (_runners.FirstOrDefault(r => r.Name == name)?.Projection
            ?? throw new InvalidOperationException($"There is no projection named '{name}'.")).RebuildAsync(cancellationToken);

    /// <summary>How far behind the store each running subscription and projection is (events after its position).</summary>
    internal IReadOnlyList<(string Name, long Lag)> Lags =>
        [.. _runners.Select(r => (r.Name, Running: r.Subscription ?? r.Projection?.Subscription)).Where(r => r.Running is not null).Select(r => (r.Name, r.Running!.Lag))];

    /// <summary>Whether the event store is initialized and every projection and subscription runs; else what it waits for.</summary>
    internal (bool Started, string Status) Health =>
        !_storeStartup.IsStarted ? (false, _storeStartup.Status)
        : !_subscriptionsStartup.IsStarted ? (false, _subscriptionsStartup.Status)
        : (true, $"{_runners.Count} projection(s) and subscription(s) running.");

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        await _storeStartup.StartAsync(Task.CompletedTask, "waiting", cancellationToken).ConfigureAwait(false);
        await _subscriptionsStartup.StartAsync(Task.WhenAll(_storeStartup.Started, _busStarted), "waiting for the event store and the bus", cancellationToken).ConfigureAwait(false);
    }

    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        // The start loops never throw on stop; every started runner is stopped even when one of them fails to.
        await _subscriptionsStartup.StopAsync().ConfigureAwait(false);
        await _storeStartup.StopAsync().ConfigureAwait(false);
        var failures = new List<Exception>();
        foreach (var runner in _runners.Reverse().Where(_started.Contains))
        {
            try
            {
                await runner.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        _logger.LogInformation("Event sourcing stopped");
        if (failures.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }

        if (failures.Count > 1)
        {
            throw new AggregateException("Event sourcing runners failed to stop.", failures);
        }
    }

    private async Task StartStoreAndProjectionsAsync(CancellationToken cancellationToken)
    {
        if (!_storeReady)
        {
            await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            _storeReady = true;
        }

        await StartRunnersAsync(needBus: false, cancellationToken).ConfigureAwait(false);
    }

    private Task StartSubscriptionsAsync(CancellationToken cancellationToken) => StartRunnersAsync(needBus: true, cancellationToken);

    // The two loops never run at once: subscriptions start after the projections did.
    private async Task StartRunnersAsync(bool needBus, CancellationToken cancellationToken)
    {
        foreach (var runner in _runners.Where(r => r.NeedsBus == needBus && !_started.Contains(r)))
        {
            await runner.StartAsync(cancellationToken).ConfigureAwait(false);
            _started.Add(runner);
        }
    }
}
