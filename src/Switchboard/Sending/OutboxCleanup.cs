using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchboard.Persistence;

namespace Switchboard.Sending;

/// <summary>
/// Removes dispatched messages from one outbox, several units of work's at once. Each unit that sent something used to
/// delete its rows right after dispatching them, in a statement and transaction of its own; now the ids wait while one
/// delete runs and the next takes all of them (up to <see cref="MaxBatch"/>, or one unit's ids when they are more), so
/// under load there are few deletes and when idle there is no delay. Rows whose delete a crash prevents stay in the
/// outbox, and the relay sends them again after its grace period, as when a crash came between the dispatch and the
/// delete before; consumers' inboxes drop the copies.
/// </summary>
internal sealed class OutboxCleanup
{
    /// <summary>The most ids one delete removes (unless one unit alone dispatched more).</summary>
    public const int MaxBatch = 1000;

    // Units of work wait here (back-pressure) once this many have dispatched and their rows are not deleted yet.
    private const int Capacity = 4096;

    private readonly IOutboxStore _outbox;
    private readonly ILogger _logger;
    private readonly Channel<string[]> _dispatched = Channel.CreateBounded<string[]>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _running;

    public OutboxCleanup(IOutboxStore outbox, ILogger logger)
    {
        _outbox = outbox;
        _logger = logger;
        _running = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="messageIds"/> for removal; false once the cleanup has stopped (the caller deletes them itself).</summary>
    public async ValueTask<bool> RemoveAsync(string[] messageIds)
    {
        try
        {
            await _dispatched.Writer.WriteAsync(messageIds, _abandon.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes what is queued, then stops. Once <paramref name="cancellationToken"/> is cancelled (the host will not wait
    /// any longer, or the database is away), what is still queued stays in the outbox, for the relay.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _dispatched.Writer.TryComplete();
        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            _logger.LogWarning("Stopped before every dispatched message left the outbox; the relay will send the rest again");
        }
    }

    private async Task RunAsync()
    {
        var reader = _dispatched.Reader;
        var batch = new List<string>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_abandon.Token).ConfigureAwait(false))
            {
                while ((batch.Count == 0 || (reader.TryPeek(out var next) && batch.Count + next.Length <= MaxBatch)) && reader.TryRead(out var ids))
                {
                    batch.AddRange(ids);
                }

                try
                {
                    await _outbox.MarkDispatchedAsync(batch.ToArray(), _abandon.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !_abandon.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "Removing {Count} dispatched message(s) from the outbox failed; the relay will send them again", batch.Count);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
        }
    }
}
