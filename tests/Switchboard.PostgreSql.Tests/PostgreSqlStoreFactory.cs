using Npgsql;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Conformance;

namespace Switchboard.PostgreSql.Tests;

/// <summary>
/// A fresh schema per test (<c>t_</c> + a GUID) on the test server, dropped with everything in it when the test
/// ends; the buses run on a fresh in-memory network, so every message goes through the outbox.
/// </summary>
public sealed class PostgreSqlStoreFactory : IEventSourcedStoreFactory
{
    // The event store in the store's schema, as Shop's distributed mode has it.
    public void UseEventStore(SwitchboardBuilder builder, IStoreScope scope) => ((Scope)scope).UseEventStore(builder);

    public async ValueTask<IStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default)
    {
        var connectionString = TestServer.ConnectionString;
        var scope = new Scope(connectionString, TestServer.NewSchema());
        await scope.CreateSchemaAsync(cancellationToken);
        return scope;
    }

    private sealed class Scope(string connectionString, string schema) : IStoreScope, ITestDatabase
    {
        private readonly InMemoryNetwork _network = new();
        private readonly NpgsqlDataSource _admin = NpgsqlDataSource.Create(connectionString);
        private readonly string _quoted = PostgreSqlNames.Quote(schema);
        private readonly System.Data.Common.DbDataSource _tables = PostgreSqlApplicationDataSource.Create(connectionString, schema);

        // A bus's pools (its store's, and its event store's when it has one) capped, like the enlistment suite's: a test
        // with several buses must not take the test cluster's connections from the tests running beside it.
        private string BusConnection => new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 20 }.ToString();

        public void Configure(SwitchboardBuilder builder, StoreOptions options) =>
            builder.UseInMemory(_network).UsePostgreSqlStore(BusConnection, o => o with { Schema = schema }, options);

        public void UseEventStore(SwitchboardBuilder builder) => builder.UsePostgreSqlEventStore(BusConnection, o => o with { Schema = schema });

        public IMessageStore CreateStore() => new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = connectionString, Schema = schema });

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
            }
        }
    }
}
