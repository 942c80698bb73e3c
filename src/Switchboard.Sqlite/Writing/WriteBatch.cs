using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Writing;

/// <summary>What an operation sees while its batch's transaction is open.</summary>
internal sealed class WriteBatch(SqliteConnection connection, Statements statements)
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>The batch's transaction: every command on the connection must carry it.</summary>
    public SqliteTransaction Transaction { get; private set; } = null!;

    public Statements Statements => statements;

    /// <summary>Unix milliseconds at the start of the batch: one clock reading for all its operations.</summary>
    public long Now { get; private set; }

    /// <summary>Queues that got deliverable messages in this batch; their local receivers are woken after commit.</summary>
    public IReadOnlyCollection<string> Touched => _touched;

    public void MessagesBecameVisible(string queue) => _touched.Add(queue);

    public void Begin(long now, SqliteTransaction transaction)
    {
        Now = now;
        Transaction = transaction;
        statements.Enlist(transaction);
        _touched.Clear();
    }

    /// <summary>A command in the batch's transaction, for operations without a prepared statement.</summary>
    public SqliteCommand CreateCommand()
    {
        var command = connection.CreateCommand();
        command.Transaction = Transaction;
        return command;
    }
}
