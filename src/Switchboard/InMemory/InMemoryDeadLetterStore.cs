using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.InMemory;

/// <summary>The dead-letter queue of one in-memory queue: bounded, oldest first.</summary>
internal sealed class InMemoryDeadLetterStore(string queue, int capacity)
{
    private readonly List<DeadLetter> _letters = [];
    private readonly SemaphoreSlim _slots = new(capacity, capacity);
    private readonly Lock _lock = new();

    public async ValueTask AddAsync(Envelope stamped, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _letters.Add(new DeadLetter(stamped.MessageId, queue, stamped));
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _letters.Count;
            }
        }
    }

    public IReadOnlyList<DeadLetter> List(int skip, int take)
    {
        lock (_lock)
        {
            return _letters.Skip(skip).Take(take).ToArray();
        }
    }

    public DeadLetter? Find(string id)
    {
        lock (_lock)
        {
            return _letters.Find(l => l.Id == id);
        }
    }

    public DeadLetter? Take(string id)
    {
        lock (_lock)
        {
            var index = _letters.FindIndex(l => l.Id == id);
            if (index < 0)
            {
                return null;
            }

            var letter = _letters[index];
            _letters.RemoveAt(index);
            _slots.Release();
            return letter;
        }
    }

    public IReadOnlyList<DeadLetter> TakeAll()
    {
        lock (_lock)
        {
            var all = _letters.ToArray();
            _letters.Clear();
            if (all.Length > 0)
            {
                _slots.Release(all.Length);
            }

            return all;
        }
    }
}
