using System.Data.Common;
using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>
/// Connections for an application's own tables in a schema of the store's database: for what runs outside a handler's
/// unit of work (creating tables at start-up, an API's queries, reads of committed state). Handlers write through
/// their unit of work, so that their changes commit with the message.
/// </summary>
public static class PostgreSqlApplicationDataSource
{
    /// <summary>
    /// A data source on <paramref name="connectionString"/> whose connections have <paramref name="schema"/> as their
    /// search path and skip Npgsql's session reset when they go back to the pool (for statements that change no
    /// session state: the reset was a <c>DISCARD ALL</c> per read). Its connections come from Npgsql's pool of the
    /// resulting connection string, shared with every other user of the same string: there is nothing to dispose.
    /// </summary>
    public static DbDataSource Create(string connectionString, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        PostgreSqlDataSources.ValidateSchema(schema, nameof(schema));
        return new PooledByConnectionString(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = PostgreSqlNames.Quote(schema), NoResetOnClose = true }.ToString());
    }

    private sealed class PooledByConnectionString(string connectionString) : DbDataSource
    {
        public override string ConnectionString => connectionString;

        protected override DbConnection CreateDbConnection() => new NpgsqlConnection(connectionString);
    }
}
