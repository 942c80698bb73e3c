using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Persistence;
using Switchboard.Retries;

namespace Switchboard.Sending;

/// <summary>
/// Dispatches what units of work committed but nobody sent: the process crashed between commit and dispatch, or
/// the dispatch failed. A message that fails is retried with exponential back-off and quarantined after
/// <see cref="StoreOptions.MaxDispatchAttempts"/>, without holding up the others. Also purges the inbox past its
/// retention, and reports the age of the oldest pending message as <c>switchboard.outbox.oldest_pending_age</c>.
/// </summary>
internal sealed class OutboxRelay : IAsyncDisposable
{
    private readonly IMessageStore _store;
    private readonly Outbound _outbound;
    private readonly StoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;
    private double _oldestPendingSeconds;
    private DateTimeOffset _nextPurge;

    public OutboxRelay(IMessageStore store, Outbound outbound, StoreOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _outbound = outbound;
        _options = options;
        _time = time;
        _logger = logger;
    }

    static OutboxRelay() =>
        SwitchboardDiagnostics.Meter.CreateObservableGauge(
            "switchboard.outbox.oldest_pending_age",
            () => Running.Keys.Select(r => new Measurement<double>(Volatile.Read(ref r._oldestPendingSeconds), new KeyValuePair<string, object?>("switchboard.store", r._store.Name))),
            "s",
            "Age of the oldest message waiting in an outbox.");

    // The relays of this process, for the gauge (a process may run several buses).
    private static readonly ConcurrentDictionary<OutboxRelay, bool> Running = new();

    public void Start()
    {
        Running[this] = true;
        _running = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>One relay round: dispatches every due message (a round per <see cref="StoreOptions.RelayBatch"/>); returns how many went out.</summary>
    public async Task<int> RelayDueAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        while (true)
        {
            var due = await _store.Outbox.ClaimDueAsync(_options.RelayBatch, _options.DispatchGrace, ClaimFor, cancellationToken).ConfigureAwait(false);
            if (due.Count == 0)
            {
                return sent;
            }

            var dispatched = new List<string>(due.Count);
            foreach (var entry in due)
            {
                try
                {
                    await _outbound.DispatchAsync(entry.Message, cancellationToken).ConfigureAwait(false);
                    dispatched.Add(entry.Message.Envelope.MessageId);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    await FailedAsync(entry, e, cancellationToken).ConfigureAwait(false);
                }
            }

            await _store.Outbox.MarkDispatchedAsync(dispatched, cancellationToken).ConfigureAwait(false);
            sent += dispatched.Count;
            if (due.Count < _options.RelayBatch)
            {
                return sent;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(this, out _);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            await _running.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    // Long enough for a round to finish; a relay that died meanwhile gives its claims up after this.
    private TimeSpan ClaimFor => _options.DispatchGrace + TimeSpan.FromMinutes(1);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var sent = await RelayDueAsync(cancellationToken).ConfigureAwait(false);
                if (sent > 0)
                {
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        _logger.LogInformation("Outbox relay dispatched {Count} message(s) left behind", sent);
                    }
                }

                var statistics = await _store.Outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _oldestPendingSeconds, statistics.OldestPendingAt is { } oldest ? Math.Max(0, (_time.GetUtcNow() - oldest).TotalSeconds) : 0);
                await PurgeInboxIfDueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Outbox relay round failed; trying again in {Interval}", _options.RelayInterval);
            }

            try
            {
                await Task.Delay(_options.RelayInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task FailedAsync(OutboxEntry entry, Exception error, CancellationToken cancellationToken)
    {
        var attempts = entry.Attempts + 1;
        var quarantine = attempts >= _options.MaxDispatchAttempts;
        var delay = new Backoff(_options.FirstRetryDelay, _options.MaxRetryDelay).DelayFor(attempts);
        var id = entry.Message.Envelope.MessageId;
        if (quarantine)
        {
            _logger.LogError(error, "Outbox message {MessageId} to {Destination} failed {Attempts} times; quarantined", id, entry.Message.Destination, attempts);
        }
        else
        {
            _logger.LogWarning(error, "Outbox message {MessageId} to {Destination} failed (attempt {Attempts}); retrying in {Delay}", id, entry.Message.Destination, attempts, delay);
        }

        await _store.Outbox.MarkFailedAsync(id, $"{error.GetType().FullName}: {error.Message}", _time.GetUtcNow() + delay, quarantine, cancellationToken).ConfigureAwait(false);
    }

    private async Task PurgeInboxIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now + _options.InboxPurgeInterval;
        var purged = await _store.PurgeInboxAsync(now - _options.InboxRetention, cancellationToken).ConfigureAwait(false);
        if (purged > 0)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Inbox: forgot {Count} message id(s) older than {Retention}", purged, _options.InboxRetention);
            }
        }
    }
}
