using Npgsql;
using Switchboard.EventSourcing;
using Switchboard.Testing;

namespace Switchboard.PostgreSql.Tests;

/// <summary>A fresh schema per test (<c>t_</c> + a GUID) on the test server, dropped with everything in it when the test ends.</summary>
public sealed class PostgreSqlEventStoreFactory : IEventStoreFactory
{
    public async ValueTask<IEventStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default)
    {
        var scope = new Scope(TestServer.ConnectionString, TestServer.NewSchema());
        await scope.CreateSchemaAsync(cancellationToken);
        return scope;
    }

    private sealed class Scope(string connectionString, string schema) : IEventStoreScope, ITestDatabase
    {
        private readonly NpgsqlDataSource _admin = NpgsqlDataSource.Create(connectionString);
        private readonly string _quoted = PostgreSqlNames.Quote(schema);

        public bool SingleWriter => false;

        public IEventStore CreateStore() => new PostgreSqlEventStore(new PostgreSqlEventStoreOptions { ConnectionString = connectionString, Schema = schema });

        // The store creates a missing schema itself; creating it here lets a test make its table before any store starts.
        public async ValueTask CreateSchemaAsync(CancellationToken cancellationToken)
        {
            await using var command = _admin.CreateCommand($"CREATE SCHEMA {_quoted}");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Schema-qualified here; read-model SQL on the store's transaction names it unqualified, and the store's search path finds it.
        public async ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default)
        {
            await using var command = _admin.CreateCommand($"CREATE TABLE IF NOT EXISTS {_quoted}.{name} (id text PRIMARY KEY, value bigint NOT NULL)");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public async ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default)
        {
            await using var command = _admin.CreateCommand($"SELECT id, value FROM {_quoted}.{name}");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new Dictionary<string, long>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows[reader.GetString(0)] = reader.GetInt64(1);
            }

            return rows;
        }

        public async ValueTask DisposeAsync()
        {
            await using (_admin)
            {
                await TestServer.DropSchemaAsync(_admin, schema);
            }
        }
    }
}
