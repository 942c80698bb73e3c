using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// Inserts the writer's messages, each with a rowid in its queue's range (<see cref="QueueRanges"/>). A queue's range
/// and a topic's subscribers are read once per batch: the batch holds the file's write lock, so no other process
/// inserts meanwhile, and the following rows of the batch take the next rowids without a lookup.
/// </summary>
/// <remarks>
/// A message due now for a queue whose local receiver is drained (its last claim found fewer messages than it had room
/// for, and no message became visible there since) and still has room is handed off: inserted already leased to that
/// receiver, and given to it once the batch commits (<see cref="DeliverHandOffs"/>). It is never claimed, so it does
/// not overtake a message waiting in the queue; a crash before the receiver settles it leaves a lease that expires, as
/// after a claim. A message for an ordered queue is never handed off: only a claim applies the key's rule
/// (<see cref="OrderedRows"/>).
/// </remarks>
internal sealed class MessageRows(Statements statements, LocalReceivers receivers, OrderedQueues ordered, Action<string> becameVisible)
{
    private readonly Dictionary<string, long?> _next = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _subscribers = new(StringComparer.Ordinal);

    // Kept across batches: only this thread claims for, and inserts into, its receivers' queues.
    private readonly HashSet<string> _drained = new(StringComparer.Ordinal);
    private readonly List<HandOff> _handOffs = [];
    private int _delivered;
    private long _now;

    /// <summary>Hand-offs of the batch so far; <see cref="ReleaseHandOffs"/> takes back those after a mark.</summary>
    public int HandOffCount => _handOffs.Count;

    /// <summary>
    /// Forgets what the previous batch read (between batches other processes may write), and takes back hand-offs that
    /// were never delivered.
    /// </summary>
    public void Reset(long now)
    {
        ReleaseHandOffs(0);
        _next.Clear();
        _subscribers.Clear();
        _now = now;
    }

    /// <summary>A claim of <paramref name="queue"/> found fewer visible messages than it asked for: none is left waiting.</summary>
    public void Drained(string queue) => _drained.Add(queue);

    /// <summary>A message of <paramref name="queue"/> waits in the table: later ones go there behind it, not to the receiver.</summary>
    public void Waiting(string queue) => _drained.Remove(queue);

    /// <summary>Inserts the message into <paramref name="queue"/>; false when no endpoint declared the queue.</summary>
    public bool Send(string queue, long visibleAt, Envelope envelope)
    {
        if (!TryNextRowid(queue, out var rowid))
        {
            return false;
        }

        statements.Insert.Begin(envelope);
        Insert(queue, rowid, visibleAt, envelope);
        return true;
    }

    /// <summary>Inserts one copy per queue subscribed to <paramref name="topic"/>, and returns those queues.</summary>
    public IReadOnlyList<string> Publish(string topic, long visibleAt, Envelope envelope)
    {
        var queues = Subscribers(topic);
        statements.Insert.Begin(envelope);
        foreach (var queue in queues)
        {
            // A subscription without a declared queue was always delivered; it gets SQLite's rowid.
            Insert(queue, TryNextRowid(queue, out var rowid) ? rowid : null, visibleAt, envelope);
        }

        return queues;
    }

    /// <summary>
    /// After the commit: gives the handed-off messages before <paramref name="end"/> (the <see cref="HandOffCount"/>
    /// after an operation ran) to their receivers, so that they arrive in the order of the batch's operations.
    /// </summary>
    public void DeliverHandOffs(int end)
    {
        for (; _delivered < end; _delivered++)
        {
            var handOff = _handOffs[_delivered];
            handOff.Receiver.Deliver(new ClaimedMessage(handOff.Seq, 1, handOff.Envelope), handOff.Lease);
            WriterMetrics.HandOffs.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", handOff.Receiver.Queue));
        }
    }

    /// <summary>After the commit's deliveries: the batch's hand-offs are done with.</summary>
    public void ClearDelivered()
    {
        _handOffs.Clear();
        _delivered = 0;
    }

    /// <summary>Takes back the hand-offs after <paramref name="mark"/> (their operation or their batch failed): the receivers' room is free again.</summary>
    public void ReleaseHandOffs(int mark)
    {
        for (var i = _handOffs.Count - 1; i >= mark; i--)
        {
            _handOffs[i].Receiver.Unreserve();
            _handOffs.RemoveAt(i);
        }
    }

    private void Insert(string queue, long? rowid, long visibleAt, Envelope envelope)
    {
        var due = visibleAt <= _now;
        var receiver = due && _drained.Contains(queue) && receivers.TryGet(queue, out var local) && !ordered.Contains(queue) && local.TryReserve() ? local : null;
        long? lease = receiver is null ? null : Random.Shared.NextInt64(1, long.MaxValue);
        var rowVisibleAt = receiver is null ? visibleAt : _now + receiver.LeaseMilliseconds;
        try
        {
            if (!statements.Insert.TryRun(queue, rowid, rowVisibleAt, lease))
            {
                // Something else on this connection inserted into the range (a transactional send inside a unit of
                // work computes its rowid in SQL): read the range again for the rows after this one.
                _next.Remove(queue);
                statements.Insert.TryRun(queue, null, rowVisibleAt, lease);
            }
        }
        catch
        {
            receiver?.Unreserve();
            throw;
        }

        if (receiver is not null)
        {
            _handOffs.Add(new HandOff(receiver, statements.Insert.LastRowid, lease!.Value, envelope));
        }
        else if (due)
        {
            becameVisible(queue);
        }
    }

    private string[] Subscribers(string topic)
    {
        if (!_subscribers.TryGetValue(topic, out var queues))
        {
            var select = statements.Subscribers;
            select.Parameters[0].Value = topic;
            var found = new List<string>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    found.Add(reader.GetString(0));
                }
            }

            queues = [.. found];
            _subscribers[topic] = queues;
        }

        return queues;
    }

    private bool TryNextRowid(string queue, out long? rowid)
    {
        if (!_next.TryGetValue(queue, out rowid))
        {
            var range = statements.QueueRange;
            range.Parameters[0].Value = queue;
            using var reader = range.ExecuteReader();
            if (!reader.Read())
            {
                return false;
            }

            rowid = reader.IsDBNull(0) ? null : QueueRanges.Next(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
        }

        _next[queue] = rowid is { } taken ? QueueRanges.After(taken) : null;
        return true;
    }

    private readonly record struct HandOff(SqliteReceiver Receiver, long Seq, long Lease, Envelope Envelope);
}
