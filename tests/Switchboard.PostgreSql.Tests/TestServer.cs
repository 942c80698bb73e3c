using Npgsql;

namespace Switchboard.PostgreSql.Tests;

/// <summary>
/// The PostgreSQL server of the tests: the connection string in <c>SWITCHBOARD_POSTGRES_CONNECTION</c>, which
/// <c>scripts/services/postgresql.sh start</c> writes (scripts/test.sh starts the server and exports it). Without it
/// every test fails, never skips: a run that checked nothing must not look green.
/// </summary>
public static class TestServer
{
    public const string Variable = "SWITCHBOARD_POSTGRES_CONNECTION";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connection
            ? connection
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL tests have no server. Start one with "
                + "`F=$(bash scripts/services/postgresql.sh start | tail -1); . \"$F\"` (scripts/test.sh does this), "
                + "or set it to an Npgsql connection string for a role that may create schemas.");

    /// <summary>A fresh schema name: <c>t_</c> and a GUID.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    /// <summary>A data source for the tests' own statements (no search path of a store).</summary>
    public static NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public static async Task DropSchemaAsync(NpgsqlDataSource dataSource, string schema)
    {
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {PostgreSqlNames.Quote(schema)} CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
