using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Writing;

/// <summary>What an operation sees while its batch's transaction is open.</summary>
internal sealed class WriteBatch(SqliteConnection connection, Statements statements)
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    public Statements Statements => statements;

    /// <summary>Unix milliseconds at the start of the batch: one clock reading for all its operations.</summary>
    public long Now { get; private set; }

    /// <summary>Queues that got deliverable messages in this batch; their local receivers are woken after commit.</summary>
    public IReadOnlyCollection<string> Touched => _touched;

    public void MessagesBecameVisible(string queue) => _touched.Add(queue);

    public void Begin(long now)
    {
        Now = now;
        _touched.Clear();
    }
}
