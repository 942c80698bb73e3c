using Npgsql;
using Switchboard.EventSourcing;
using Switchboard.Persistence;
using Switchboard.Conformance;

namespace Switchboard.PostgreSql.Tests;

/// <summary>
/// A fresh schema per test (<c>t_</c> + a GUID) on the test server, dropped with everything in it when the test ends.
/// Message stores for the enlistment suite live in a schema of their own next to it (the same name + <c>_m</c>), so
/// that the suite also shows that the two stores' schemas may differ.
/// </summary>
public sealed class PostgreSqlEventStoreFactory : IEnlistmentFactory
{
    public async ValueTask<IEventStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default)
    {
        var scope = new Scope(TestServer.ConnectionString, TestServer.NewSchema());
        await scope.CreateSchemaAsync(cancellationToken);
        return scope;
    }

    public IMessageStore CreateMessageStore(IEventStoreScope scope) => ((Scope)scope).CreateMessageStore();

    private sealed class Scope(string connectionString, string schema) : IEventStoreScope, ITestDatabase
    {
        private readonly NpgsqlDataSource _admin = NpgsqlDataSource.Create(connectionString);
        private readonly string _quoted = PostgreSqlNames.Quote(schema);
        private readonly System.Data.Common.DbDataSource _tables = PostgreSqlApplicationDataSource.Create(connectionString, schema);
        private readonly string _messageSchema = schema + "_m";
        private bool _hasMessageSchema;

        public bool SingleWriter => false;

        public IEventStore CreateStore() => new PostgreSqlEventStore(new PostgreSqlEventStoreOptions { ConnectionString = connectionString, Schema = schema });

        // The store creates its schema when it initializes. Its pool is kept small: the suite runs a hundred units
        // of work at once, and the test server has 200 connections for every pool of the test.
        public IMessageStore CreateMessageStore()
        {
            _hasMessageSchema = true;
            var connection = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 20 };
            return new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = connection.ConnectionString, Schema = _messageSchema });
        }

        // The store creates a missing schema itself; creating it here lets a test make its table before any store starts.
        public async ValueTask CreateSchemaAsync(CancellationToken cancellationToken)
        {
            await using var command = _admin.CreateCommand($"CREATE SCHEMA {_quoted}");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // The way an application reaches its own tables in the store's schema: handlers' SQL names the table unqualified,
        // and the store's search path finds it there.
        public ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default) => TestTables.CreateAsync(_tables, name, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default) => TestTables.ReadAsync(_tables, name, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            // The application data source's connections sit in Npgsql's pool of its connection string, one per schema.
            await using (var pooled = new NpgsqlConnection(_tables.ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            await using (_admin)
            {
                await TestServer.DropSchemaAsync(_admin, schema);
                if (_hasMessageSchema)
                {
                    await TestServer.DropSchemaAsync(_admin, _messageSchema);
                }
            }
        }
    }
}
