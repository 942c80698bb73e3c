using System.Data.Common;

namespace Shop.Infrastructure;

/// <summary>Which database a Shop process keeps its state in.</summary>
public enum ShopDatabaseKind
{
    /// <summary>The embedded default: the SQLite file that also holds the bus's queues, so state and messages commit together.</summary>
    Sqlite,

    /// <summary>PostgreSQL (distributed mode): each service's tables in the schema of its process's store.</summary>
    PostgreSql,
}

/// <summary>
/// The database a service keeps its own tables in, for what runs outside a handler's unit of work: creating the tables
/// at start-up, the API's queries and handlers' reads of committed state (<see cref="ScalarAsync"/>). Handlers write
/// through their unit of work, so that their changes commit with the message's inbox record and outgoing messages:
/// <c>ISqlUnitOfWork.EnlistWriteAsync</c> (the embedded store runs the statements at the commit, without holding its one
/// writer while the handler works), or <c>ISqlUnitOfWork.GetDbTransactionAsync()</c> where a handler must see its own
/// writes' results at once. Every service prefixes its tables with
/// its name (<c>payment_charges</c>) and no service reads another's tables. SQL is written to run on both SQLite and
/// PostgreSQL: amounts in integer cents, times in Unix milliseconds, <c>INSERT … ON CONFLICT</c>.
/// </summary>
public sealed class ShopDatabase
{
    private volatile bool _schemaReady;

    private readonly DbDataSource _dataSource;

    private ShopDatabase(ShopDatabaseKind kind, DbDataSource dataSource, string? schema)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        Kind = kind;
        _dataSource = dataSource;
        Schema = schema;
    }

    /// <summary>Which database.</summary>
    public ShopDatabaseKind Kind { get; }

    /// <summary>The PostgreSQL schema of the process's store (first on the search path of <see cref="OpenAsync"/>'s connections); null for SQLite.</summary>
    public string? Schema { get; }

    /// <summary>
    /// A SQLite file through <paramref name="dataSource"/> (the embedded provider's
    /// <c>SqliteApplicationDataSource.Create(path)</c>): Shop's services know the database only through ADO.NET, and the
    /// host that chose the provider creates its data source.
    /// </summary>
    public static ShopDatabase Sqlite(DbDataSource dataSource) => new(ShopDatabaseKind.Sqlite, dataSource, null);

    /// <summary>
    /// A PostgreSQL database through <paramref name="dataSource"/> (<c>PostgreSqlApplicationDataSource.Create(connectionString, schema)</c>:
    /// the schema on its connections' search path), tables in <paramref name="schema"/>, which is created on first use.
    /// </summary>
    public static ShopDatabase PostgreSql(DbDataSource dataSource, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        return new(ShopDatabaseKind.PostgreSql, dataSource, schema);
    }

    /// <summary>Opens a connection (SQLite: with a busy timeout, so it waits for the file's writer instead of failing; PostgreSQL: the schema created on first use).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (Kind == ShopDatabaseKind.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 30000";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (Schema is not null && !_schemaReady)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await using var create = connection.Command(transaction, $"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"");
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }

        return connection;
    }

    /// <summary>
    /// Reads the first column of the first row of <paramref name="sql"/> (parameters <c>@p0</c>, <c>@p1</c>, …) on a
    /// connection of its own, outside any unit of work: null when there is no row. What it returns is committed state;
    /// a handler that decides on it writes with <c>StoreWrite.ExpectedRows</c>, so a change meanwhile reruns it.
    /// </summary>
    public async Task<object?> ScalarAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(null, sql, [.. parameters]);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (DDL at start-up; several statements separated by <c>;</c>). On PostgreSQL it runs in
    /// one transaction that holds the schema's advisory lock (the one the Switchboard store's migrations take), so
    /// that processes starting at once (two instances of a service share its schema) do not race on
    /// <c>CREATE TABLE IF NOT EXISTS</c>, which PostgreSQL does not make safe against concurrent creators.
    /// </summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = Kind == ShopDatabaseKind.PostgreSql ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        if (transaction is not null)
        {
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        }

        await using var command = connection.Command(transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds <paramref name="column"/> (of SQL type <paramref name="type"/>, which must allow NULL) to
    /// <paramref name="table"/> unless it has it: tables created by an earlier version of a service get the columns a
    /// later one added. Several processes may run it at once.
    /// </summary>
    public Task AddColumnIfMissingAsync(string table, string column, string type, CancellationToken cancellationToken = default) =>
        RunOnceAsync(
            Kind == ShopDatabaseKind.PostgreSql
                ? "SELECT COUNT(*) = 0 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @p0 AND column_name = @p1"
                : "SELECT COUNT(*) = 0 FROM pragma_table_info(@p0) WHERE name = @p1",
            [table, column],
            [$"ALTER TABLE {table} ADD COLUMN {column} {type}"],
            cancellationToken);

    /// <summary>
    /// Once per database: when <paramref name="legacyTable"/> exists, runs <paramref name="copySql"/> (which moves its rows
    /// into the table that supersedes it) and renames it to <paramref name="legacyTable"/><c>_superseded</c>, so that
    /// several processes starting at once migrate once and no row is copied twice or lost.
    /// </summary>
    public Task SupersedeTableAsync(string legacyTable, string copySql, CancellationToken cancellationToken = default) =>
        RunOnceAsync(
            Kind == ShopDatabaseKind.PostgreSql
                ? "SELECT COUNT(*) > 0 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @p0"
                : "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = @p0",
            [legacyTable],
            [copySql, $"ALTER TABLE {legacyTable} RENAME TO {legacyTable}_superseded"],
            cancellationToken);

    // In one write transaction (on PostgreSQL holding the schema's lock, as ExecuteAsync does; on SQLite BEGIN IMMEDIATE):
    // runs the statements when the query says they are due. Processes starting at once then run them once.
    private async Task RunOnceAsync(string dueSql, object?[] parameters, IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (Kind == ShopDatabaseKind.PostgreSql)
        {
            await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        }

        await using (var due = connection.Command(transaction, dueSql, parameters))
        {
            if (!Convert.ToBoolean(await due.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture))
            {
                return;
            }
        }

        foreach (var statement in statements)
        {
            await using var command = connection.Command(transaction, statement);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // The transaction-level advisory lock of the schema, with the key of Switchboard's PostgreSQL migrations (FNV-1a of
    // "switchboard.postgresql.migrations:" + schema): the store's migrations and the services' tables wait for each other.
    private async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in "switchboard.postgresql.migrations:" + (Schema ?? "public"))
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        await using var command = connection.Command(transaction, "SELECT pg_advisory_xact_lock(@p0)", unchecked((long)hash));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
