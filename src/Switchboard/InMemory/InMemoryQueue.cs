using System.Threading.Channels;
using Switchboard.Messages;

namespace Switchboard.InMemory;

/// <summary>
/// One queue. A slot is taken when a message enters (sent, scheduled or re-driven) and given back only when it
/// leaves (acknowledged or dead-lettered), so ready + scheduled + unacknowledged never exceeds the capacity.
/// Returning a message (abandon, defer, a stopped consumer) keeps its slot, so it never waits.
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
        else
        {
            _ready.Writer.TryWrite(message);
        }
    }

    /// <summary>A message left the queue for good.</summary>
    public void Release() => _slots.Release();
}
