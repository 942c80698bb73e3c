using Npgsql;

namespace Switchboard.PostgreSql.Tests;

/// <summary>A fresh schema name per test, dropped at the end, and a data source for the test's own statements.</summary>
public abstract class SchemaTest : IAsyncLifetime
{
    private readonly List<PostgreSqlMessageStore> _stores = [];

    protected string Schema { get; } = TestServer.NewSchema();

    protected NpgsqlDataSource Admin { get; } = TestServer.CreateDataSource();

    protected string Quoted => PostgreSqlNames.Quote(Schema);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await TestServer.DropSchemaAsync(Admin, Schema);
        await Admin.DisposeAsync();
    }

    /// <summary>A store on the test's schema (not initialized), disposed with the test.</summary>
    protected PostgreSqlMessageStore NewStore(Action<PostgreSqlStoreOptions>? configure = null)
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = Schema };
        configure?.Invoke(options);
        var store = new PostgreSqlMessageStore(options);
        _stores.Add(store);
        return store;
    }

    protected async Task<PostgreSqlMessageStore> InitializedStoreAsync(Action<PostgreSqlStoreOptions>? configure = null)
    {
        var store = NewStore(configure);
        await store.InitializeAsync();
        return store;
    }

    protected async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = Admin.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var command = Admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
