using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchboard.Sqlite.Writing;
using Switchboard.Transport;

namespace Switchboard.Sqlite;

/// <summary>
/// Consumes one queue: a pump claims batches of visible messages under a lease into a buffer of
/// <see cref="ReceiverOptions.Prefetch"/> entries, renews the leases of everything it holds, and sleeps when the
/// queue is empty until a local commit, a commit by another process, or the next scheduled message wakes it. While it
/// is drained and has room, the writer hands it this process's new messages directly (<see cref="Deliver"/>).
/// Disposing it makes everything it holds unsettled visible again.
/// </summary>
internal sealed class SqliteReceiver : ITransportReceiver
{
    private const int MaxClaim = 256;

    private readonly string _queue;
    private readonly SqliteWriter _writer;
    private readonly QueueSignals _signals;
    private readonly SqliteTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<SqliteDelivery> _buffer;
    // By rowid and lease: an emptied queue's next message reuses the rowid of the last one, which may still be on its
    // way out of here (settled by a unit of work's commit, not yet removed) when the writer hands the new one over.
    private readonly ConcurrentDictionary<(long Seq, long Lease), SqliteDelivery> _held = new();
    private readonly SemaphoreSlim _room;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly Task _renewal;

    public SqliteReceiver(string queue, ReceiverOptions receiverOptions, SqliteWriter writer, QueueSignals signals, SqliteTransportOptions options, ILogger logger)
    {
        _queue = queue;
        _writer = writer;
        _signals = signals;
        _options = options;
        _logger = logger;
        _buffer = Channel.CreateBounded<SqliteDelivery>(new BoundedChannelOptions(receiverOptions.Prefetch) { SingleWriter = true });
        _room = new SemaphoreSlim(receiverOptions.Prefetch, receiverOptions.Prefetch);
        writer.Receivers.Add(queue, this);
        _pump = Task.Run(PumpAsync);
        _renewal = Task.Run(RenewAsync);
    }

    public ValueTask<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var read = _buffer.Reader.ReadAsync(cancellationToken);
        return read.IsCompletedSuccessfully ? ValueTask.FromResult<IncomingMessage>(read.Result) : Await(read);

        static async ValueTask<IncomingMessage> Await(ValueTask<SqliteDelivery> pending) => await pending.ConfigureAwait(false);
    }

    /// <summary>The queue this receiver consumes.</summary>
    internal string Queue => _queue;

    /// <summary>How long a claim or a hand-off leases a message.</summary>
    internal long LeaseMilliseconds => (long)_options.LeaseDuration.TotalMilliseconds;

    /// <summary>Takes one slot of room for a hand-off (on the writer's thread); false when the receiver is full or stopping.</summary>
    internal bool TryReserve() => !_stop.IsCancellationRequested && _room.Wait(0);

    /// <summary>Gives back room taken for a hand-off that did not commit, or for a claim that found fewer messages.</summary>
    internal void Unreserve(int count = 1) => _room.Release(count);

    /// <summary>
    /// Takes a message leased to this receiver, a claim's or a hand-off's, into room taken for it. Only the writer's
    /// thread calls it, after the commit and in the order of the batch's operations, so the buffer gets messages in
    /// the order they were claimed and sent. A receiver that stopped meanwhile leaves it to its lease, as a crash would.
    /// </summary>
    internal void Deliver(ClaimedMessage message, long lease)
    {
        var delivery = new SqliteDelivery(this, _queue, message, lease);
        _held[(message.Seq, lease)] = delivery;
        if (!_buffer.Writer.TryWrite(delivery))
        {
            _held.TryRemove((message.Seq, lease), out _);
        }
    }

    /// <summary>The file's writer (a unit of work that writes through it can remove this queue's messages in its commit).</summary>
    internal SqliteWriter Writer => _writer;

    internal async ValueTask SettleAsync(SqliteDelivery delivery, SettleOperation operation, CancellationToken cancellationToken)
    {
        // The claim that follows this settlement in the writer's queue runs after it, so the room can be given back now.
        await _writer.EnqueueAsync(operation, cancellationToken).ConfigureAwait(false);
        Settled(delivery);
    }

    /// <summary><paramref name="delivery"/> is settled (by its own operation, or by a unit of work's commit): it no longer takes room.</summary>
    internal void Settled(SqliteDelivery delivery)
    {
        if (_held.TryRemove((delivery.Seq, delivery.Lease), out _))
        {
            _room.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writer.Receivers.Remove(_queue, this);
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_pump, _renewal).ConfigureAwait(false);
        _buffer.Writer.TryComplete();
        var returned = new List<Task<bool>>();
        foreach (var delivery in _held.Values)
        {
            if (delivery.TryClaim())
            {
                var abandon = SettleOperation.Abandon(_queue, delivery.Seq, delivery.Lease, UnixMilliseconds.Now());
                await _writer.EnqueueAsync(abandon).ConfigureAwait(false);
                returned.Add(abandon.Completion);
            }
        }

        _held.Clear();
        try
        {
            await Task.WhenAll(returned).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Their leases will expire and they will be delivered again all the same.
            _logger.LogWarning(e, "Returning unsettled messages of {Queue} failed", _queue);
        }

        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _room.WaitAsync(stop).ConfigureAwait(false);
                var want = 1;
                while (want < MaxClaim && _room.Wait(0))
                {
                    want++;
                }

                var wake = _signals.Next(_queue);
                var claim = new ClaimOperation(this, want, _options.LeaseDuration);
                ClaimResult claimed;
                try
                {
                    // The writer puts the claimed messages into the buffer and gives back the room they did not fill.
                    claimed = await _writer.ExecuteAsync(claim, CancellationToken.None).ConfigureAwait(false);
                }
                catch
                {
                    claim.ReturnRoomUnclaimed();
                    throw;
                }

                if (claimed.Messages.Count == 0)
                {
                    await Task.WhenAny(wake, Task.Delay(SleepUntil(claimed.NextVisibleAt), stop)).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Claiming messages of {Queue} failed; retrying in one second", _queue);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan SleepUntil(long? nextVisibleAt)
    {
        var max = TimeSpan.FromSeconds(1);
        if (nextVisibleAt is not { } at)
        {
            return max;
        }

        var wait = TimeSpan.FromMilliseconds(at - UnixMilliseconds.Now() + 1);
        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait > max ? max : wait;
    }

    private async Task RenewAsync()
    {
        var stop = _stop.Token;
        var every = _options.LeaseDuration / 3;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, stop).ConfigureAwait(false);
                var until = UnixMilliseconds.Now() + (long)_options.LeaseDuration.TotalMilliseconds;
                foreach (var delivery in _held.Values)
                {
                    await _writer.EnqueueAsync(SettleOperation.Renew(_queue, delivery.Seq, delivery.Lease, until), stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
