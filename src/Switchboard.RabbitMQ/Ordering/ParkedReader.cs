using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// Reads one parked key's queue in order, with <c>basic.get</c> on a channel of its own and no automatic
/// acknowledgement. Disposing gives back what was read and not acknowledged: it is requeued (a classic queue puts
/// each message back at its place, so the order holds) before the channel closes, so a reader opened right after finds it.
/// One reader is used by one caller at a time.
/// </summary>
internal sealed class ParkedReader : IAsyncDisposable
{
    private readonly IChannel? _channel;
    // Read and not acknowledged yet. Only these may be given back: the broker closes a channel that nacks a tag it no
    // longer holds (and the client, answering that close while closing the channel itself, loses its connection).
    private readonly SortedSet<ulong> _unacknowledged = [];
    private int _disposed;

    internal ParkedReader(IChannel channel, string queue)
    {
        _channel = channel;
        Queue = queue;
    }

    private ParkedReader(string queue) => Queue = queue;

    /// <summary>The parked queue read.</summary>
    public string Queue { get; }

    /// <summary>A reader of a queue that does not exist: it has nothing to read.</summary>
    internal static ParkedReader Empty(string queue) => new(queue);

    /// <summary>The next message, in the order they were parked; null when the queue is empty.</summary>
    public async ValueTask<ParkedMessage?> NextAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_channel is null)
        {
            return null;
        }

        var got = await _channel.BasicGetAsync(Queue, autoAck: false, cancellationToken).ConfigureAwait(false);
        if (got is null)
        {
            return null;
        }

        lock (_unacknowledged)
        {
            _unacknowledged.Add(got.DeliveryTag);
        }

        // The client reuses the body's memory once this returns.
        var envelope = AmqpEnvelope.FromDelivery(got.BasicProperties, got.Body.ToArray());
        return new ParkedMessage(this, got.DeliveryTag, envelope, got.Redelivered);
    }

    internal async ValueTask AckAsync(ulong deliveryTag, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _channel!.BasicAckAsync(deliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
        lock (_unacknowledged)
        {
            _unacknowledged.Remove(deliveryTag);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _channel is null)
        {
            return;
        }

        try
        {
            // Requeued by the channel itself before it closes, so the queue has them back by the time the close
            // completes; a close alone requeues them when the broker notices the channel is gone, which the dead-letter
            // listing found can be a moment later (RabbitMqDeadLetterQueue.NextSettledAsync). One nack of the highest
            // tag returns every unacknowledged one below it too.
            ulong highest;
            lock (_unacknowledged)
            {
                highest = _unacknowledged.Count > 0 ? _unacknowledged.Max : 0;
            }

            if (highest != 0 && _channel.IsOpen)
            {
                await _channel.BasicNackAsync(highest, multiple: true, requeue: true).ConfigureAwait(false);
            }

            await _channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // Closed already: the broker has requeued what was not acknowledged.
        }

        await _channel.DisposeAsync().ConfigureAwait(false);
    }
}
