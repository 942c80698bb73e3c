using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Diagnostics;
using Switchboard.Retries;

namespace Switchboard.EventSourcing.Subscriptions;

/// <summary>
/// Reads all events (or a filtered part) from a durable checkpoint, hands them to a handler in batches, then follows
/// live appends: it waits for the store's signal (<see cref="IEventStoreReader.WaitForEventsAsync"/>) at most
/// <see cref="SubscriptionOptions.MaxWait"/> and reads again. A failing batch is retried with back-off and never
/// skipped. Its lag (events readable but not yet handled) is the gauge <c>switchboard.subscription.lag</c>.
/// </summary>
public sealed class EventSubscription : IAsyncDisposable
{
    private const long LagCountLimit = 10_000_000;

    private static readonly ConcurrentDictionary<EventSubscription, bool> Running = new();

    private readonly IEventStoreReader _events;
    private readonly ICheckpointStore _checkpoints;

    // Set with CheckpointMode.InTransaction only: the store whose transactions hold each batch with its checkpoint.
    private readonly IEventStore? _transactions;
    private readonly IEventBatchHandler _handler;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _progressed = NewSignal();
    private Task? _running;
    private long _position;
    private long _savedPosition;
    private long _lag;
    private DateTimeOffset _lastSave;
    private DateTimeOffset _lastLagCount;

    static EventSubscription() =>
        SwitchboardDiagnostics.Meter.CreateObservableGauge(
            "switchboard.subscription.lag",
            () => Running.Keys.Select(s => new Measurement<long>(Volatile.Read(ref s._lag), new KeyValuePair<string, object?>("switchboard.subscription", s.Name))),
            "{event}",
            "Events an event subscription has not handled yet.");

    /// <summary>
    /// Creates a subscription that reads <paramref name="events"/> and keeps its checkpoint in
    /// <paramref name="checkpoints"/>, the same store's; <see cref="StartAsync"/> starts it. With
    /// <see cref="CheckpointMode.InTransaction"/>, <paramref name="events"/> is an <see cref="IEventStore"/>, whose
    /// transactions hold each batch with its checkpoint.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="CheckpointMode.InTransaction"/> with a reader that has no transactions.</exception>
    public EventSubscription(IEventStoreReader events, ICheckpointStore checkpoints, SubscriptionOptions options, IEventBatchHandler handler, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        if (options.CheckpointMode == CheckpointMode.InTransaction)
        {
            _transactions = events as IEventStore
                ?? throw new ArgumentException($"Subscription '{options.Name}' keeps its checkpoint in the store transaction of each batch, but the reader it was given is not an event store with transactions.", nameof(events));
        }

        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The subscription's name.</summary>
    public string Name => Options.Name;

    /// <summary>Its options.</summary>
    public SubscriptionOptions Options { get; }

    /// <summary>The global position up to which it has handled every event (its checkpoint, perhaps not saved yet).</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Events readable in the store that it has not handled yet, as last counted (at most once a second).</summary>
    public long Lag => Volatile.Read(ref _lag);

    /// <summary>Loads the checkpoint and starts reading in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_running is not null)
        {
            throw new InvalidOperationException($"Subscription '{Name}' is already started.");
        }

        var checkpoint = await _checkpoints.LoadCheckpointAsync(Name, cancellationToken).ConfigureAwait(false);
        _position = checkpoint ?? (Options.StartFrom == SubscriptionStart.End ? await _events.GetEndPositionAsync(cancellationToken).ConfigureAwait(false) : 0);

        // Without a checkpoint, the start is saved at the first chance: a subscription that starts from the end and
        // stops before any event arrives must not start from a later end next time.
        _savedPosition = checkpoint ?? -1;
        Running[this] = true;
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// Waits until every event up to <paramref name="position"/> (e.g. an <see cref="AppendResult.Position"/>) is
    /// handled: how a caller reads its own writes from a read model.
    /// </summary>
    public async Task WaitForPositionAsync(long position, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var progressed = Volatile.Read(ref _progressed).Task;
            if (Position >= position)
            {
                return;
            }

            await progressed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops reading after the batch in hand and saves the checkpoint.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_running is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        Running.TryRemove(this, out _);
        if (_position != _savedPosition)
        {
            await SaveCheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync(CancellationToken stopping)
    {
        // A failing round is retried after FirstRetryDelay, doubling up to MaxRetryDelay; a round that succeeds starts
        // the count again.
        var retry = new RetryForever<EventSubscription>(new Backoff(Options.FirstRetryDelay, Options.MaxRetryDelay), _time, static (s, e, failures, delay) => s.Failed(e, failures, delay));
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await retry.ExecuteAsync(static (s, ct) => s.RoundAsync(ct), this, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // One page handled; at the end of the store, the wait for more.
    private async ValueTask RoundAsync(CancellationToken stopping)
    {
        if (await ReadAndHandleAsync(stopping).ConfigureAwait(false))
        {
            await _events.WaitForEventsAsync(_position, Options.MaxWait, stopping).ConfigureAwait(false);
        }
    }

    private void Failed(Exception exception, int failures, TimeSpan delay)
    {
        SwitchboardDiagnostics.SubscriptionErrors.Add(1, new KeyValuePair<string, object?>("switchboard.subscription", Name));
        if (exception is UnavailableException)
        {
            // The broker or the database is away: expected, and its message says which; no stack trace per attempt.
            _logger.LogWarning("Subscription {Subscription} waits at position {Position}: {Reason} Trying again in {Delay} ({Failures} failures in a row)", Name, _position, exception.Message, delay, failures);
        }
        else
        {
            _logger.LogError(exception, "Subscription {Subscription} failed at position {Position} ({Failures} failures in a row); trying again in {Delay}", Name, _position, failures, delay);
        }
    }

    // One page: handled (and checkpointed as the mode says). True when the page reached the end of the store.
    private async Task<bool> ReadAndHandleAsync(CancellationToken stopping)
    {
        var page = await _events.ReadAllAsync(_position, Options.BatchSize, Options.Filter, stopping).ConfigureAwait(false);
        if (page.Events.Count > 0)
        {
            if (_transactions is not null)
            {
                await using var transaction = await _transactions.BeginTransactionAsync(stopping).ConfigureAwait(false);
                await _handler.HandleAsync(new EventBatch(page.Events, transaction), stopping).ConfigureAwait(false);
                await transaction.SaveCheckpointAsync(Name, page.NextPosition, stopping).ConfigureAwait(false);
                await transaction.CommitAsync(stopping).ConfigureAwait(false);
                _savedPosition = page.NextPosition;
                _lastSave = _time.GetUtcNow();
            }
            else
            {
                await _handler.HandleAsync(new EventBatch(page.Events, null), stopping).ConfigureAwait(false);
            }
        }

        Advance(page.NextPosition);
        if (page.IsEnd)
        {
            Volatile.Write(ref _lag, 0);
        }
        else
        {
            await CountLagAsync(stopping).ConfigureAwait(false);
        }

        // Positions that only passed filtered-out events (or AfterBatch progress) are saved now and then: losing
        // them costs a re-read, never an event.
        if (_position != _savedPosition && (page.IsEnd || _time.GetUtcNow() - _lastSave >= Options.CheckpointInterval))
        {
            await SaveCheckpointAsync(stopping).ConfigureAwait(false);
        }

        return page.IsEnd;
    }

    private void Advance(long position)
    {
        if (position <= _position)
        {
            return;
        }

        Volatile.Write(ref _position, position);
        Interlocked.Exchange(ref _progressed, NewSignal()).TrySetResult();
    }

    private async Task CountLagAsync(CancellationToken stopping)
    {
        var now = _time.GetUtcNow();
        if (now - _lastLagCount < TimeSpan.FromSeconds(1))
        {
            return;
        }

        _lastLagCount = now;
        Volatile.Write(ref _lag, await _events.CountEventsAfterAsync(_position, LagCountLimit, stopping).ConfigureAwait(false));
    }

    private async Task SaveCheckpointAsync(CancellationToken cancellationToken)
    {
        var position = _position;
        await _checkpoints.SaveCheckpointAsync(Name, position, cancellationToken).ConfigureAwait(false);
        _savedPosition = position;
        _lastSave = _time.GetUtcNow();
    }
}
