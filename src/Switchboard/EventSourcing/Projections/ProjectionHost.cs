using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.EventSourcing.Subscriptions;

namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// Runs one <see cref="Projection"/>: creates its read model (a <see cref="SqlProjection"/>'s tables and the views
/// readers query), keeps it live as a subscription whose checkpoint commits in a store transaction with each batch, and
/// rebuilds it into a new generation that is swapped in without stopping reads.
/// </summary>
/// <remarks>
/// Readers query the view <c>{table}</c>; a SQL projection writes <c>{table}_g{n}</c>. A rebuild creates generation
/// n+1, catches it up from the first event while generation n stays live, then, in one store transaction, applies the
/// last events, points the views at n+1 and records n+1 as current. The old tables are dropped afterwards. A number is
/// never used twice: after a failed rebuild the next one drops the failed generation's tables and builds n+2. A
/// projection that keeps its read model itself follows the same steps with nothing to create, point or drop; what it
/// keeps for a generation other than <see cref="Generation"/> it may discard.
/// </remarks>
public sealed class ProjectionHost : IAsyncDisposable
{
    private readonly IEventStore _store;
    private readonly ICheckpointStore _checkpoints;
    private readonly EventTypeMap _types;
    private readonly ILogger _logger;
    private readonly ProjectionGenerations _generations;
    private readonly SemaphoreSlim _rebuilding = new(1, 1);
    private readonly SubscriptionOptions _template;
    private readonly TaskCompletionSource _liveStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EventSubscription? _live;
    private long _generation;

    /// <summary>
    /// Creates a host for <paramref name="projection"/> on <paramref name="store"/>, whose checkpoints are
    /// <paramref name="checkpoints"/>; <see cref="StartAsync"/> starts it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="projection"/> is a <see cref="SqlProjection"/> and <paramref name="store"/> is not an <see cref="ISqlEventStore"/>.</exception>
    public ProjectionHost(IEventStore store, ICheckpointStore checkpoints, EventTypeMap types, Projection projection, SubscriptionOptions? options = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        _types = types ?? throw new ArgumentNullException(nameof(types));
        Projection = projection ?? throw new ArgumentNullException(nameof(projection));
        _logger = logger ?? NullLogger.Instance;
        _generations = projection.GenerationsOn(store);
        _template = (options ?? new SubscriptionOptions(projection.Name)) with { Filter = projection.Filter, CheckpointMode = CheckpointMode.InTransaction };
    }

    /// <summary>The projection.</summary>
    public Projection Projection { get; }

    /// <summary>The generation readers see.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>The live subscription (its position and lag); null before start.</summary>
    public EventSubscription? Subscription => _live;

    /// <summary>Creates the current generation's read model and views (the first one on first start) and starts following events.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var generation = await _checkpoints.LoadCheckpointAsync(ProjectionNames.Generation(Projection.Name), cancellationToken).ConfigureAwait(false) ?? 1;
        await using (var transaction = await _store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await _generations.CreateAsync(generation, transaction, cancellationToken).ConfigureAwait(false);
            await _generations.PointAtAsync(generation, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.SaveCheckpointAsync(ProjectionNames.Generation(Projection.Name), generation, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await StartLiveAsync(generation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the read model includes every event up to <paramref name="position"/> (read your own writes); before
    /// the projection started (its database was out of reach when the host started), also until it starts.
    /// </summary>
    public async Task WaitForPositionAsync(long position, CancellationToken cancellationToken = default)
    {
        await _liveStarted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _live!.WaitForPositionAsync(position, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a rebuild runs now.</summary>
    public bool IsRebuilding => _rebuilding.CurrentCount == 0;

    /// <summary>
    /// Rebuilds the read model from the first event into a new generation while the current one keeps serving reads
    /// and following events, then swaps the views to it in one transaction and drops the old tables.
    /// </summary>
    public async Task RebuildAsync(CancellationToken cancellationToken = default)
    {
        await _rebuilding.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var name = Projection.Name;
            var old = Generation;

            // A number is never used twice: a read model the projection keeps itself may still hold what a failed
            // rebuild applied to its generation, and a rebuild into it again would apply those events twice.
            var lastTried = await _checkpoints.LoadCheckpointAsync(ProjectionNames.LastRebuilt(name), cancellationToken).ConfigureAwait(false) ?? old;
            var next = Math.Max(old, lastTried) + 1;
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Rebuilding projection {Projection} into generation {Generation}", name, next);
            }

            await using (var transaction = await _store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                // The failed generations' tables, and any of next's (a rebuild of an older version failed into it).
                for (var stale = old + 1; stale <= next; stale++)
                {
                    await _generations.DropAsync(stale, transaction, cancellationToken).ConfigureAwait(false);
                }

                await _generations.CreateAsync(next, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.SaveCheckpointAsync(ProjectionNames.Checkpoint(name, next), 0, cancellationToken).ConfigureAwait(false);
                await transaction.SaveCheckpointAsync(ProjectionNames.LastRebuilt(name), next, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            for (var abandoned = old + 1; abandoned < next; abandoned++)
            {
                await _checkpoints.DeleteCheckpointAsync(ProjectionNames.Checkpoint(name, abandoned), cancellationToken).ConfigureAwait(false);
            }

            var position = await CatchUpAsync(next, 0, final: false, cancellationToken).ConfigureAwait(false);

            // Updates pause from here until the new generation is live; reads go on against the old one. When the
            // final step fails, nothing was swapped: the old generation goes on following events.
            await _live!.DisposeAsync().ConfigureAwait(false);
            try
            {
                await CatchUpAsync(next, position, final: true, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await StartLiveAsync(old, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            await StartLiveAsync(next, cancellationToken).ConfigureAwait(false);

            await using (var transaction = await _store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                await _generations.DropAsync(old, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            await _checkpoints.DeleteCheckpointAsync(ProjectionNames.Checkpoint(Projection.Name, old), cancellationToken).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Projection {Projection} now serves generation {Generation}", name, next);
            }
        }
        finally
        {
            _rebuilding.Release();
        }
    }

    /// <summary>Stops following events (the checkpoint is already committed with the read model).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_live is not null)
        {
            await _live.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_live is not null)
        {
            await _live.DisposeAsync().ConfigureAwait(false);
        }

        _rebuilding.Dispose();
    }

    private async Task StartLiveAsync(long generation, CancellationToken cancellationToken)
    {
        var live = new EventSubscription(
            _store,
            _checkpoints,
            _template with { Name = ProjectionNames.Checkpoint(Projection.Name, generation) },
            new Applier(this, generation),
            _logger);
        await live.StartAsync(cancellationToken).ConfigureAwait(false);
        _live = live;
        Volatile.Write(ref _generation, generation);
        _liveStarted.TrySetResult();
    }

    // Applies pages to a generation, each in a transaction with its checkpoint. The final catch-up also switches the
    // views and the current generation in the transaction of its last page, so readers move over atomically.
    private async Task<long> CatchUpAsync(long generation, long position, bool final, CancellationToken cancellationToken)
    {
        var applier = new Applier(this, generation);
        while (true)
        {
            var page = await _store.ReadAllAsync(position, _template.BatchSize, _template.Filter, cancellationToken).ConfigureAwait(false);
            await using var transaction = await _store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (page.Events.Count > 0)
            {
                await applier.HandleAsync(new EventBatch(page.Events, transaction), cancellationToken).ConfigureAwait(false);
            }

            position = Math.Max(position, page.NextPosition);
            await transaction.SaveCheckpointAsync(ProjectionNames.Checkpoint(Projection.Name, generation), position, cancellationToken).ConfigureAwait(false);
            if (final && page.IsEnd)
            {
                await _generations.PointAtAsync(generation, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.SaveCheckpointAsync(ProjectionNames.Generation(Projection.Name), generation, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (page.IsEnd)
            {
                return position;
            }
        }
    }

    private sealed class Applier(ProjectionHost host, long generation) : IEventBatchHandler
    {
        public ValueTask HandleAsync(EventBatch batch, CancellationToken cancellationToken) =>
            host.Projection.ApplyAsync(host._generations.Context(generation, batch.Transaction!), batch.Events, host._types, cancellationToken);
    }
}
