using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

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
/// at start-up and the API's queries. Inside handlers, services use <c>IUnitOfWork.GetDbTransactionAsync()</c> so that
/// their changes commit with the message's inbox record and outgoing messages. Every service prefixes its tables with
/// its name (<c>payment_charges</c>) and no service reads another's tables. SQL is written to run on both SQLite and
/// PostgreSQL: amounts in integer cents, times in Unix milliseconds, <c>INSERT … ON CONFLICT</c>.
/// </summary>
public sealed class ShopDatabase
{
    private ShopDatabase(ShopDatabaseKind kind, string connectionString, string? schema)
    {
        Kind = kind;
        ConnectionString = connectionString;
        Schema = schema;
    }

    /// <summary>Which database.</summary>
    public ShopDatabaseKind Kind { get; }

    /// <summary>The connection string (SQLite: <c>Data Source=path</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The PostgreSQL schema of the process's store (first on the search path of <see cref="OpenAsync"/>'s connections); null for SQLite.</summary>
    public string? Schema { get; }

    /// <summary>The SQLite file at <paramref name="path"/>.</summary>
    public static ShopDatabase Sqlite(string path) => new(ShopDatabaseKind.Sqlite, new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString(), null);

    /// <summary>The PostgreSQL database of <paramref name="connectionString"/>, tables in <paramref name="schema"/>.</summary>
    public static ShopDatabase PostgreSql(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        return new(ShopDatabaseKind.PostgreSql, builder.ToString(), schema);
    }

    /// <summary>Opens a connection (SQLite: with a busy timeout, so it waits for the file's writer instead of failing).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = Kind == ShopDatabaseKind.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (Kind == ShopDatabaseKind.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 30000";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (Schema is not null)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> (DDL at start-up; several statements separated by <c>;</c>).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
