using System.Threading.Channels;
using Switchboard.Messages;

namespace Switchboard.InMemory;

/// <summary>
/// One queue. A slot is taken when a message enters (sent, scheduled or re-driven) and given back only when it
/// leaves (acknowledged or dead-lettered), so ready + scheduled + unacknowledged never exceeds the capacity.
/// Returning a message (abandon, defer, a stopped consumer) keeps its slot, so it never waits.
/// An ordered queue (<see cref="Transport.IOrderedTransport"/>) lets one message per ordering key out at a time: a
/// keyed message that becomes due waits in its key's line (<see cref="InMemoryKeyLines"/>) until the one before it left.
/// </summary>
internal sealed class InMemoryQueue
{
    private readonly SemaphoreSlim _slots;
    private readonly Channel<StoredMessage> _ready = Channel.CreateUnbounded<StoredMessage>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly InMemoryScheduler _scheduler;
    private readonly int _capacity;

    public InMemoryQueue(string name, InMemoryNetworkOptions options, InMemoryScheduler scheduler)
    {
        Name = name;
        _capacity = options.QueueCapacity;
        _slots = new SemaphoreSlim(options.QueueCapacity, options.QueueCapacity);
        _scheduler = scheduler;
        DeadLetters = new InMemoryDeadLetterStore(name, options.DeadLetterCapacity);
    }

    public string Name { get; }

    /// <summary>The lines of each ordering key; null while the queue is not ordered.</summary>
    public InMemoryKeyLines? KeyLines { get; private set; }

    /// <summary>Makes the queue ordered from now on (an ordered endpoint declared it).</summary>
    public void Order() => KeyLines ??= new InMemoryKeyLines();

    public InMemoryDeadLetterStore DeadLetters { get; }

    public ChannelReader<StoredMessage> Ready => _ready.Reader;

    /// <summary>The network's time, which due times are compared with.</summary>
    public DateTimeOffset Now => _scheduler.Now;

    /// <summary>Messages held: ready, scheduled and unacknowledged.</summary>
    public int Count => _capacity - _slots.CurrentCount;

    public ValueTask EnqueueAsync(Envelope envelope, DateTimeOffset? deliverAt, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0, CancellationToken.None))
        {
            return WaitForRoomAsync(envelope, deliverAt, cancellationToken);
        }

        Return(new StoredMessage(envelope), deliverAt);
        return ValueTask.CompletedTask;
    }

    private async ValueTask WaitForRoomAsync(Envelope envelope, DateTimeOffset? deliverAt, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Return(new StoredMessage(envelope), deliverAt);
    }

    /// <summary>Makes a message that already holds a slot deliverable again, now or later.</summary>
    public void Return(StoredMessage message, DateTimeOffset? deliverAt = null)
    {
        if (deliverAt is { } at && at > _scheduler.Now)
        {
            _scheduler.Schedule(this, message, at);
        }
        else if (message.HoldsKey || KeyLines is not { } lines || message.OrderingKey is not { } key || lines.TryTake(message, key))
        {
            _ready.Writer.TryWrite(message);
        }
    }

    /// <summary>Returns <paramref name="message"/> as <paramref name="deferred"/> after <paramref name="delay"/>; on an ordered queue it keeps holding its key.</summary>
    public void Defer(StoredMessage message, StoredMessage deferred, TimeSpan delay)
    {
        if (message.HoldsKey && KeyLines is { } lines && message.OrderingKey is { } key)
        {
            lines.Replace(message, deferred, key);
        }

        Return(deferred, Now + delay);
    }

    /// <summary>A message left the queue for good (acknowledged): its slot is free, and its key's next message may go out.</summary>
    public void Release(StoredMessage message)
    {
        ReleaseKey(message);
        _slots.Release();
    }

    /// <summary>
    /// A message is being dead-lettered. On an ordered queue a keyed one stays its key's holder, parked, so that the key's
    /// later messages wait until it is re-driven (<see cref="Redrive"/>) or deleted (<see cref="ReleaseKey"/>).
    /// </summary>
    public void Park(StoredMessage message) => message.Parked = message.HoldsKey;

    /// <summary>A dead-lettered message left the queue: its slot is free.</summary>
    public void ReleaseSlot() => _slots.Release();

    /// <summary>The key <paramref name="holder"/> held is free: the key's next message goes out.</summary>
    public void ReleaseKey(StoredMessage holder)
    {
        if (holder.HoldsKey && KeyLines is { } lines && holder.OrderingKey is { } key && lines.Release(holder, key) is { } next)
        {
            _ready.Writer.TryWrite(next);
        }
    }

    /// <summary>
    /// Sends a dead letter back: on an ordered queue whose key it parks, it takes its key back and goes out before the
    /// key's waiting messages; otherwise it joins the queue as a new message.
    /// </summary>
    public async ValueTask Redrive(DeadLetter letter, CancellationToken cancellationToken)
    {
        var envelope = Transport.DeadLetterEnvelope.ForRedrive(letter.Envelope);
        if (KeyLines is not { } lines || letter.OrderingKey is not { } key || lines.ParkedBy(key, letter.Envelope.MessageId) is not { } parked)
        {
            await EnqueueAsync(envelope, deliverAt: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        // It left the queue when it was dead-lettered: it takes a slot again, as a new message would.
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var redriven = new StoredMessage(envelope);
        lines.Replace(parked, redriven, key);
        _ready.Writer.TryWrite(redriven);
    }

    /// <summary>The message of <paramref name="letter"/>'s key that its dead letter parks, or null.</summary>
    public StoredMessage? ParkedBy(DeadLetter letter) =>
        KeyLines is { } lines && letter.OrderingKey is { } key ? lines.ParkedBy(key, letter.Envelope.MessageId) : null;
}
