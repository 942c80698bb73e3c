using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// Inserts the writer's messages, each with a rowid in its queue's range (<see cref="QueueRanges"/>). A queue's range
/// and a topic's subscribers are read once per batch: the batch holds the file's write lock, so no other process
/// inserts meanwhile, and the following rows of the batch take the next rowids without a lookup.
/// </summary>
internal sealed class MessageRows(Statements statements)
{
    private readonly Dictionary<string, long?> _next = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Forgets what the previous batch read: between batches other processes may write.</summary>
    public void Reset()
    {
        _next.Clear();
        _subscribers.Clear();
    }

    /// <summary>Inserts the message into <paramref name="queue"/>; false when no endpoint declared the queue.</summary>
    public bool Send(string queue, long visibleAt, Envelope envelope)
    {
        if (!TryNextRowid(queue, out var rowid))
        {
            return false;
        }

        statements.Insert.Begin(visibleAt, envelope);
        Insert(queue, rowid);
        return true;
    }

    /// <summary>Inserts one copy per queue subscribed to <paramref name="topic"/>, and returns those queues.</summary>
    public IReadOnlyList<string> Publish(string topic, long visibleAt, Envelope envelope)
    {
        var queues = Subscribers(topic);
        statements.Insert.Begin(visibleAt, envelope);
        foreach (var queue in queues)
        {
            // A subscription without a declared queue was always delivered; it gets SQLite's rowid.
            Insert(queue, TryNextRowid(queue, out var rowid) ? rowid : null);
        }

        return queues;
    }

    private void Insert(string queue, long? rowid)
    {
        if (!statements.Insert.TryRun(queue, rowid))
        {
            // Something else on this connection inserted into the range (a transactional send inside a unit of
            // work computes its rowid in SQL): read the range again for the rows after this one.
            _next.Remove(queue);
            statements.Insert.TryRun(queue, null);
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
}
