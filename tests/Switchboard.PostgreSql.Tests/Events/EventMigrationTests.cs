namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>The event store's migration: part of the schema's numbered scripts, applied once however many processes start.</summary>
[Collection(EventStoreCollection.Name)]
public sealed class EventMigrationTests : EventStoreTest
{
    [Fact]
    public async Task Initializing_twice_and_with_the_message_store_applies_once()
    {
        var store = await InitializedStoreAsync();
        await store.InitializeAsync();
        await using var messages = new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = Schema });
        await messages.InitializeAsync();

        Assert.Equal("0002_event_store.sql", PostgreSqlMigrations.All[1].Name);
        Assert.Equal(PostgreSqlMigrations.Latest, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.schema_migrations"));
        foreach (var table in new[] { "events", "event_streams", "event_checkpoints", "event_snapshots", "inbox", "outbox", "sagas" })
        {
            Assert.True(await ScalarAsync<bool>($"SELECT to_regclass('{Quoted}.{table}') IS NOT NULL"), table);
        }
    }

    [Fact]
    public async Task Stores_starting_at_once_create_the_schema_once()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => NewStore()).ToList();
        using var start = new ManualResetEventSlim();
        var initializing = stores.Select(s => Task.Run(async () =>
        {
            start.Wait();
            return await PostgreSqlMigrations.ApplyAsync(s.DataSource, Schema, default);
        })).ToList();
        start.Set();
        var applied = await Task.WhenAll(initializing);

        Assert.Single(applied, a => a.Count > 0);
        Assert.Equal(PostgreSqlMigrations.Latest, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.schema_migrations"));
        await Task.WhenAll(stores.Select(s => s.InitializeAsync().AsTask()));
        await stores[0].AppendAsync("s-1", Switchboard.EventSourcing.ExpectedVersion.NoStream, [Event("a")]);
    }

    [Fact]
    public async Task A_schema_at_version_one_is_upgraded()
    {
        await using var messages = new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = Schema });
        await messages.InitializeAsync();
        await using (var command = Admin.CreateCommand($"DROP TABLE {Quoted}.events, {Quoted}.event_streams, {Quoted}.event_checkpoints, {Quoted}.event_snapshots; DELETE FROM {Quoted}.schema_migrations WHERE version = 2"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var store = await InitializedStoreAsync();
        await store.AppendAsync("s-1", Switchboard.EventSourcing.ExpectedVersion.NoStream, [Event("a")]);
        Assert.Equal(1, await store.GetStreamVersionAsync("s-1"));
    }
}
