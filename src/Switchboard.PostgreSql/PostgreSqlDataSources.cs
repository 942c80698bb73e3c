using System.Data.Common;
using System.Text;
using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>The data sources the stores build from a connection string, and the checks of a schema name.</summary>
internal static class PostgreSqlDataSources
{
    /// <summary>Throws when <paramref name="schema"/> cannot name a PostgreSQL schema.</summary>
    public static void ValidateSchema(string schema, string parameterName)
    {
        PostgreSqlNames.Quote(schema);
        if (Encoding.UTF8.GetByteCount(schema) > 63)
        {
            throw new ArgumentException($"The schema name '{schema}' is longer than PostgreSQL's 63 bytes.", parameterName);
        }
    }

    /// <summary>
    /// A connection from <paramref name="dataSource"/> with a READ COMMITTED transaction begun on it (its
    /// <see cref="NpgsqlTransaction.Connection"/>; Npgsql sends the BEGIN with the first statement). Disposing the
    /// transaction rolls back what did not commit; the caller disposes the connection too.
    /// </summary>
    public static async ValueTask<NpgsqlTransaction> BeginReadCommittedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A data source on <paramref name="connectionString"/>, the schema first on its search path when asked, preparing
    /// up to <paramref name="autoPrepare"/> statements per connection unless the connection string says otherwise;
    /// without <paramref name="resetOnClose"/>, pooled connections skip Npgsql's session reset (only for connections
    /// whose users change no session state).
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString, string schema, bool schemaOnSearchPath, int autoPrepare, bool resetOnClose)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        if (schemaOnSearchPath)
        {
            connection.SearchPath = PostgreSqlMessageStore.SearchPath(schema, connection.SearchPath);
        }

        if (!Sets(connectionString, "maxautoprepare"))
        {
            connection.MaxAutoPrepare = autoPrepare;
        }

        if (!resetOnClose)
        {
            connection.NoResetOnClose = true;
        }

        return NpgsqlDataSource.Create(connection);
    }

    // Whether the connection string gives the keyword a value of its own (an explicit 0 included: behind a pooler
    // that cannot keep prepared statements, Max Auto Prepare=0 must stay 0). Npgsql matches keywords without case or spaces.
    private static bool Sets(string connectionString, string keyword)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            if (string.Equals(key.Replace(" ", string.Empty, StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
