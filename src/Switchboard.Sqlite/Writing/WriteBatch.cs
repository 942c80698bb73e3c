using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Writing;

/// <summary>What an operation sees while its batch's transaction is open.</summary>
internal sealed class WriteBatch : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Statements _statements;

    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, IDisposable> _kept = [];
    private readonly Dictionary<string, RawStatement> _raw = new(StringComparer.Ordinal);

    public WriteBatch(SqliteConnection connection, Statements statements, LocalReceivers receivers)
    {
        _connection = connection;
        _statements = statements;
        Ordered = new OrderedQueues(statements.Ordered);
        Messages = new MessageRows(statements, receivers, Ordered, MessagesBecameVisible);
    }

    public SqliteConnection Connection => _connection;

    /// <summary>The batch's transaction: every command on the connection must carry it.</summary>
    public SqliteTransaction Transaction { get; private set; } = null!;

    public Statements Statements => _statements;

    /// <summary>Which queues keep per-key order.</summary>
    public OrderedQueues Ordered { get; }

    /// <summary>Inserts messages into queues, in the batch's transaction.</summary>
    public MessageRows Messages { get; }

    /// <summary>
    /// Whether SQLite has left the batch's transaction on its own: a statement or a trigger rolled it back
    /// (<c>ROLLBACK</c>, <c>INSERT OR ROLLBACK</c>, <c>RAISE(ROLLBACK)</c>). Nothing the batch wrote is left then, and a
    /// further statement would run, and commit, outside it.
    /// </summary>
    public bool TransactionEnded => SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0;

    /// <summary>Unix milliseconds at the start of the batch: one clock reading for all its operations.</summary>
    public long Now { get; private set; }

    /// <summary>
    /// Queues that got deliverable messages in this batch, or whose ordering keys a settlement freed; their local
    /// receivers are woken after commit.
    /// </summary>
    public IReadOnlyCollection<string> Touched => _touched;

    public void MessagesBecameVisible(string queue)
    {
        _touched.Add(queue);
        Messages.Waiting(queue);
    }

    /// <summary>A message of <paramref name="queue"/> was completed: on an ordered queue that frees its key, so the receivers are woken.</summary>
    public void Completed(string queue)
    {
        if (Ordered.Contains(queue))
        {
            MessagesBecameVisible(queue);
        }
    }

    public void Begin(long now, SqliteTransaction transaction)
    {
        Now = now;
        Transaction = transaction;
        _statements.Enlist(transaction);
        Ordered.Forget();
        Messages.Reset(now);
        _touched.Clear();
    }

    /// <summary>
    /// A command for <paramref name="sql"/> kept for the writer's lifetime (SQLite prepares it once), in the batch's
    /// transaction, with its parameters cleared. For the frequent statements of other components (the store).
    /// </summary>
    public SqliteCommand Prepared(string sql)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _prepared[sql] = command;
        }

        command.Transaction = Transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// Like <see cref="Prepared(string)"/>, but the parameters are created once, in the order given, and kept: the
    /// caller sets <c>Parameters[i].Value</c>, which saves allocating parameters for every row of a hot insert.
    /// </summary>
    public SqliteCommand Prepared(string sql, params string[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _prepared[sql] = command;
        }

        command.Transaction = Transaction;
        return command;
    }

    /// <summary>
    /// A <see cref="RawStatement"/> for <paramref name="sql"/> (parameters <c>?1</c>, <c>?2</c>, …), prepared once and kept
    /// for the writer's lifetime: for the store's statements that run for every message. Bindings carry over from the
    /// previous run, so the caller binds every parameter.
    /// </summary>
    public RawStatement Raw(string sql)
    {
        if (!_raw.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(_connection, sql);
            _raw[sql] = statement;
        }

        return statement;
    }

    /// <summary>
    /// An object bound to the writer's connection (a raw prepared statement of a hot path), created on first use and
    /// disposed with the writer; one per type.
    /// </summary>
    public T Kept<T>(Func<SqliteConnection, T> create)
        where T : class, IDisposable
    {
        if (!_kept.TryGetValue(typeof(T), out var kept))
        {
            kept = create(_connection);
            _kept[typeof(T)] = kept;
        }

        return (T)kept;
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _prepared.Clear();
        foreach (var statement in _raw.Values)
        {
            statement.Dispose();
        }

        _raw.Clear();
        foreach (var kept in _kept.Values)
        {
            kept.Dispose();
        }

        _kept.Clear();
    }

    /// <summary>A command in the batch's transaction, for operations without a prepared statement.</summary>
    public SqliteCommand CreateCommand()
    {
        var command = _connection.CreateCommand();
        command.Transaction = Transaction;
        return command;
    }
}
