using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchboard.Persistence;

namespace Switchboard.Sending;

/// <summary>
/// Removes dispatched messages from one outbox, several units of work's at once. Each unit that sent something used to
/// delete its rows right after dispatching them, in a statement and transaction of its own; now the ids wait while one
/// delete runs and the next takes all of them (at most <see cref="MaxBatch"/>), so under load there are few deletes and
/// when idle there is no delay. Rows whose delete a crash prevents stay in the outbox, and the relay sends them again
/// after its grace period, as when a crash came between the dispatch and the delete before; consumers' inboxes drop
/// the copies.
/// </summary>
internal sealed class OutboxCleanup
{
    /// <summary>The most ids one delete removes.</summary>
    public const int MaxBatch = 1000;

    // Units of work wait here (back-pressure) once this many have dispatched and their rows are not deleted yet.
    private const int Capacity = 4096;

    private readonly IOutboxStore _outbox;
    private readonly ILogger _logger;
    private readonly Channel<string[]> _dispatched = Channel.CreateBounded<string[]>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly Task _running;

    public OutboxCleanup(IOutboxStore outbox, ILogger logger)
    {
        _outbox = outbox;
        _logger = logger;
        _running = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="messageIds"/> for removal; false when the cleanup has stopped (the caller deletes them itself).</summary>
    public async ValueTask<bool> RemoveAsync(string[] messageIds)
    {
        try
        {
            await _dispatched.Writer.WriteAsync(messageIds, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Deletes what is queued, then stops.</summary>
    public Task StopAsync()
    {
        _dispatched.Writer.TryComplete();
        return _running;
    }

    private async Task RunAsync()
    {
        var reader = _dispatched.Reader;
        var batch = new List<string>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var ids))
            {
                batch.AddRange(ids);
            }

            try
            {
                await _outbox.MarkDispatchedAsync(batch.ToArray(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Removing {Count} dispatched message(s) from the outbox failed; the relay will send them again", batch.Count);
            }

            batch.Clear();
        }
    }
}
