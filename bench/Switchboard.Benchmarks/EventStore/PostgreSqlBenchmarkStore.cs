using Npgsql;
using Switchboard.PostgreSql;

namespace Switchboard.Benchmarks.EventStore;

/// <summary>A PostgreSQL event store in a fresh schema of the server given by <c>--postgres</c>; the schema is dropped afterwards.</summary>
internal static class PostgreSqlBenchmarkStore
{
    public static Task<BenchmarkEventStore> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var schema = "bench_events_" + Guid.NewGuid().ToString("N")[..12];
        var store = new PostgreSqlEventStore(new PostgreSqlEventStoreOptions { ConnectionString = connectionString, Schema = schema });
        return Task.FromResult(BenchmarkEventStore.For(store, () => DropSchemaAsync(connectionString, schema)));
    }

    internal static async ValueTask DropSchemaAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
