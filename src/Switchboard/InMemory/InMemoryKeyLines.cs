namespace Switchboard.InMemory;

/// <summary>
/// The lines of an ordered in-memory queue: per ordering key, the one message that is out (ready, delivered, deferred,
/// or parked by its dead letter) and the key's later messages waiting, in the order they became due.
/// </summary>
internal sealed class InMemoryKeyLines
{
    private readonly Dictionary<string, Line> _lines = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A message became due: true when it may go out now (it then holds its key), false when it waits in its key's line.</summary>
    public bool TryTake(StoredMessage message, string key)
    {
        lock (_lock)
        {
            if (!_lines.TryGetValue(key, out var line))
            {
                _lines[key] = new Line(message);
                message.HoldsKey = true;
                return true;
            }

            line.Waiting.Enqueue(message);
            return false;
        }
    }

    /// <summary><paramref name="next"/> (a deferred copy) holds the key in place of <paramref name="previous"/>.</summary>
    public void Replace(StoredMessage previous, StoredMessage next, string key)
    {
        lock (_lock)
        {
            if (_lines.TryGetValue(key, out var line) && ReferenceEquals(line.Holder, previous))
            {
                line.Holder = next;
                next.HoldsKey = true;
            }
        }
    }

    /// <summary>
    /// The holder of <paramref name="key"/> left the queue (completed, or its dead letter deleted): returns the key's next
    /// message, which now holds the key, or null when none waits.
    /// </summary>
    public StoredMessage? Release(StoredMessage holder, string key)
    {
        lock (_lock)
        {
            if (!_lines.TryGetValue(key, out var line) || !ReferenceEquals(line.Holder, holder))
            {
                return null;
            }

            if (!line.Waiting.TryDequeue(out var next))
            {
                _lines.Remove(key);
                return null;
            }

            line.Holder = next;
            next.HoldsKey = true;
            return next;
        }
    }

    /// <summary>The message of <paramref name="key"/> parked by the dead letter of message <paramref name="messageId"/>, or null.</summary>
    public StoredMessage? ParkedBy(string key, string messageId)
    {
        lock (_lock)
        {
            return _lines.TryGetValue(key, out var line) && line.Holder is { Parked: true } holder && holder.Envelope.MessageId == messageId ? holder : null;
        }
    }

    /// <summary>How many messages wait behind the holder of <paramref name="key"/>.</summary>
    public int Waiting(string key)
    {
        lock (_lock)
        {
            return _lines.TryGetValue(key, out var line) ? line.Waiting.Count : 0;
        }
    }

    private sealed class Line(StoredMessage holder)
    {
        public StoredMessage Holder { get; set; } = holder;

        public Queue<StoredMessage> Waiting { get; } = new();
    }
}
