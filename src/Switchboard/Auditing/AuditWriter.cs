using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchboard.Retries;

namespace Switchboard.Auditing;

/// <summary>
/// Takes the audit step's records into a bounded buffer and writes them to the <see cref="IAuditLog"/> in batches:
/// whatever arrived while one write ran goes in the next, so the log costs one write per batch, not per message. A
/// failed write is tried again with back-off, keeping its records; when the buffer is full, handlers wait. It prunes
/// the log by age and count as it goes. The bus starts it before its endpoints consume and stops it after they have
/// stopped, once everything buffered is written.
/// </summary>
internal sealed class AuditWriter(IAuditLog log, AuditOptions options, TimeProvider time, ILogger logger)
{
    private readonly Lock _gate = new();
    // From 100 ms, doubling up to 5 s, until the write succeeds or the writer is aborted.
    private readonly RetryForever<List<AuditRecord>> _retry = new(
        new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)),
        time,
        (batch, e, _, delay) => logger.LogWarning(e, "Writing {Count} audit record(s) failed; trying again in {Delay}", batch.Count, delay));
    private Channel<AuditRecord> _buffer = NewBuffer(options);
    private CancellationTokenSource _abort = new();
    private Task _running = Task.CompletedTask;
    private bool _stopped;
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    /// <summary>Buffers <paramref name="record"/>; waits only while the buffer is full.</summary>
    public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var writer = Volatile.Read(ref _buffer).Writer;
        return writer.TryWrite(record) ? ValueTask.CompletedTask : writer.WriteAsync(record, cancellationToken);
    }

    /// <summary>Starts writing; after a stop, with a new buffer.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (!_running.IsCompleted)
            {
                return;
            }

            // A stopped buffer takes no more records, even when a stop cut short left some in it.
            if (_stopped)
            {
                _buffer = NewBuffer(options);
                _abort = new CancellationTokenSource();
                _stopped = false;
            }

            _running = RunAsync(_buffer.Reader, _abort.Token);
        }
    }

    /// <summary>
    /// Writes what is buffered, then stops. When <paramref name="cancellationToken"/> is cancelled first (the host's
    /// patience), stops at once and logs how many records were not written.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task running;
        CancellationTokenSource abort;
        lock (_gate)
        {
            _buffer.Writer.TryComplete();
            _stopped = true;
            running = _running;
            abort = _abort;
        }

        using (cancellationToken.Register(abort.Cancel))
        {
            await running.ConfigureAwait(false);
        }
    }

    private async Task RunAsync(ChannelReader<AuditRecord> reader, CancellationToken abort)
    {
        await Task.Yield();
        var batch = new List<AuditRecord>(Math.Min(options.BatchSize, 1024));
        try
        {
            await PruneIfDueAsync(abort).ConfigureAwait(false);
            while (await reader.WaitToReadAsync(abort).ConfigureAwait(false))
            {
                while (batch.Count < options.BatchSize && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await AppendAsync(batch, abort).ConfigureAwait(false);
                batch.Clear();
                await PruneIfDueAsync(abort).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            var lost = batch.Count + reader.Count;
            if (lost > 0)
            {
                logger.LogWarning("Stopped before {Count} audit record(s) could be written", lost);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "The audit writer stopped");
        }
    }

    private ValueTask AppendAsync(List<AuditRecord> batch, CancellationToken abort) =>
        _retry.ExecuteAsync(log.AppendAsync, batch, abort);

    private async Task PruneIfDueAsync(CancellationToken abort)
    {
        var now = time.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + options.PruneInterval;
        try
        {
            var pruned = await log.PruneAsync(now - options.RetainFor, options.MaxRecords, abort).ConfigureAwait(false);
            if (pruned > 0 && logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("Pruned {Count} audit record(s)", pruned);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !abort.IsCancellationRequested)
        {
            logger.LogWarning(e, "Pruning the audit log failed; trying again in {Interval}", options.PruneInterval);
        }
    }

    private static Channel<AuditRecord> NewBuffer(AuditOptions options) =>
        Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(options.BufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
}
