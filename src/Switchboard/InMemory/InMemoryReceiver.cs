using Switchboard.Transport;

namespace Switchboard.InMemory;

/// <summary>
/// A consumer of one in-memory queue. Holds at most <see cref="ReceiverOptions.Prefetch"/> unsettled deliveries;
/// disposing it returns every unsettled one to the queue.
/// </summary>
internal sealed class InMemoryReceiver(InMemoryQueue queue, ReceiverOptions options) : ITransportReceiver
{
    private readonly SemaphoreSlim _prefetch = new(options.Prefetch, options.Prefetch);
    private readonly HashSet<InMemoryDelivery> _unsettled = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    public ValueTask<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_prefetch.Wait(0, CancellationToken.None))
        {
            return WaitForRoomAsync(cancellationToken);
        }

        return queue.Ready.TryRead(out var message)
            ? ValueTask.FromResult<IncomingMessage>(Deliver(message))
            : WaitForMessageAsync(cancellationToken);
    }

    private async ValueTask<IncomingMessage> WaitForRoomAsync(CancellationToken cancellationToken)
    {
        await _prefetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await WaitForMessageAsync(cancellationToken).ConfigureAwait(false);
    }

    // Holds one unit of prefetch room; gives it back if the wait is cancelled.
    private async ValueTask<IncomingMessage> WaitForMessageAsync(CancellationToken cancellationToken)
    {
        StoredMessage message;
        try
        {
            message = await queue.Ready.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _prefetch.Release();
            throw;
        }

        return Deliver(message);
    }

    private InMemoryDelivery Deliver(StoredMessage message)
    {
        message.DeliveryCount++;
        var delivery = new InMemoryDelivery(this, queue, message);
        lock (_lock)
        {
            if (!_disposed)
            {
                _unsettled.Add(delivery);
                return delivery;
            }
        }

        queue.Return(message);
        throw new ObjectDisposedException(nameof(InMemoryReceiver));
    }

    internal void Settled(InMemoryDelivery delivery)
    {
        lock (_lock)
        {
            _unsettled.Remove(delivery);
        }

        _prefetch.Release();
    }

    public ValueTask DisposeAsync()
    {
        InMemoryDelivery[] unsettled;
        lock (_lock)
        {
            _disposed = true;
            unsettled = [.. _unsettled];
            _unsettled.Clear();
        }

        foreach (var delivery in unsettled)
        {
            if (delivery.TryClaim())
            {
                queue.Return(delivery.Message);
            }
        }

        return ValueTask.CompletedTask;
    }
}
