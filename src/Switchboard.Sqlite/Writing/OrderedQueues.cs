using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// Which queues keep per-key order (<c>sb_queues.ordered</c>), as the writer's batch sees them. Read from the file, not
/// kept by the process, so a declaration by any process applies to every process's next batch; each queue is read once
/// per batch (another process may declare between batches, never during one: the batch holds the write lock).
/// </summary>
internal sealed class OrderedQueues(SqliteCommand select)
{
    private readonly Dictionary<string, bool> _known = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="queue"/> was declared ordered; false for a queue never declared.</summary>
    public bool Contains(string queue)
    {
        if (!_known.TryGetValue(queue, out var ordered))
        {
            select.Parameters[0].Value = queue;
            ordered = select.ExecuteScalar() is long flag && flag != 0;
            _known[queue] = ordered;
        }

        return ordered;
    }

    /// <summary>Forgets what was read: at the start of a batch, or after the batch declared <paramref name="queue"/>.</summary>
    public void Forget(string? queue = null)
    {
        if (queue is null)
        {
            _known.Clear();
        }
        else
        {
            _known.Remove(queue);
        }
    }
}
