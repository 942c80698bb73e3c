using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.InMemory;

/// <summary>One delivery of a stored message to a receiver. The first settlement wins.</summary>
internal sealed class InMemoryDelivery(InMemoryReceiver receiver, InMemoryQueue queue, StoredMessage message) : IncomingMessage
{
    private readonly int _deliveryCount = message.DeliveryCount;
    private int _settled;

    public StoredMessage Message => message;

    public override Envelope Envelope => message.Envelope;

    public override int DeliveryCount => _deliveryCount;

    public override string Queue => queue.Name;

    /// <summary>Claims the right to settle; false when already settled (or returned by a stopped receiver).</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _settled, 1) == 0;

    public override ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (Settle())
        {
            queue.Release(message);
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask AbandonAsync(CancellationToken cancellationToken = default)
    {
        if (Settle())
        {
            queue.Return(message);
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask DeferAsync(TimeSpan delay, Envelope envelope, CancellationToken cancellationToken = default)
    {
        if (Settle())
        {
            queue.Defer(message, new StoredMessage(envelope, message.DeliveryCount), delay);
        }

        return ValueTask.CompletedTask;
    }

    public override async ValueTask DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken = default)
    {
        if (Settle())
        {
            // Parked before its dead letter is visible: a re-drive that follows at once must find the key it parks.
            queue.Park(message);
            await queue.DeadLetters.AddAsync(reason.Stamp(message.Envelope, queue.Name, queue.Now), cancellationToken).ConfigureAwait(false);
            queue.ReleaseSlot();
        }
    }

    private bool Settle()
    {
        if (!TryClaim())
        {
            return false;
        }

        receiver.Settled(this);
        return true;
    }
}
