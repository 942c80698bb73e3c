using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite;

/// <summary>Opens connections to the transport's file with the pragmas every connection needs.</summary>
internal sealed class SqliteConnections(SqliteTransportOptions options)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
    }.ToString();

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var synchronous = options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL";
        Execute(connection, $"""
            PRAGMA busy_timeout = {((long)options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)};
            PRAGMA synchronous = {synchronous};
            PRAGMA foreign_keys = OFF;
            """);
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
