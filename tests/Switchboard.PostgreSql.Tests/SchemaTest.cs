namespace Switchboard.PostgreSql.Tests;

/// <summary>A fresh schema per test (<see cref="SchemaScopedTest"/>) and message stores on it, disposed with the test.</summary>
public abstract class SchemaTest : SchemaScopedTest
{
    /// <summary>A store on the test's schema (not initialized), disposed with the test.</summary>
    protected PostgreSqlMessageStore NewStore(Func<PostgreSqlStoreOptions, PostgreSqlStoreOptions>? configure = null)
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = Schema };
        options = configure is null ? options : configure(options);
        return Track(new PostgreSqlMessageStore(options));
    }

    protected async Task<PostgreSqlMessageStore> InitializedStoreAsync(Func<PostgreSqlStoreOptions, PostgreSqlStoreOptions>? configure = null)
    {
        var store = NewStore(configure);
        await store.InitializeAsync();
        return store;
    }
}
