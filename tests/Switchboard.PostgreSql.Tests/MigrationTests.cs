namespace Switchboard.PostgreSql.Tests;

public sealed class MigrationTests : SchemaTest
{
    [Fact]
    public async Task The_scripts_are_embedded_and_numbered_from_one()
    {
        Assert.NotEmpty(PostgreSqlMigrations.All);
        Assert.Equal(Enumerable.Range(1, PostgreSqlMigrations.All.Count), PostgreSqlMigrations.All.Select(m => m.Version));
        Assert.Equal("0001_inbox_outbox_sagas.sql", PostgreSqlMigrations.All[0].Name);
        Assert.All(PostgreSqlMigrations.All, m => Assert.Contains(PostgreSqlMigrations.SchemaPlaceholder, m.Template, StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Applying_twice_applies_once()
    {
        var store = NewStore();
        var first = await PostgreSqlMigrations.ApplyAsync(store.DataSource, Schema, default);
        var second = await PostgreSqlMigrations.ApplyAsync(store.DataSource, Schema, default);
        await store.InitializeAsync();

        Assert.Equal(Enumerable.Range(1, PostgreSqlMigrations.Latest), first);
        Assert.Empty(second);
        Assert.Equal(PostgreSqlMigrations.Latest, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.schema_migrations"));
        Assert.Equal(PostgreSqlMigrations.Latest, await ScalarAsync<int>($"SELECT max(version) FROM {Quoted}.schema_migrations"));
        foreach (var table in new[] { "inbox", "outbox", "sagas", "schema_migrations" })
        {
            Assert.True(await ScalarAsync<bool>($"SELECT to_regclass('{Quoted}.{table}') IS NOT NULL"), table);
        }

        Assert.True(await ScalarAsync<bool>($"SELECT to_regclass('{Quoted}.outbox_due') IS NOT NULL"));
    }

    [Fact]
    public async Task Processes_starting_at_once_create_the_schema_once()
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
    }

    [Fact]
    public async Task Concurrent_InitializeAsync_calls_succeed()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToList();
        await Task.WhenAll(stores.Select(s => s.InitializeAsync().AsTask()));
        Assert.Equal(PostgreSqlMigrations.Latest, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.schema_migrations"));
    }

    [Fact]
    public async Task An_existing_empty_schema_is_used()
    {
        await ExecuteAsync($"CREATE SCHEMA {Quoted}");
        var store = await InitializedStoreAsync();
        Assert.Equal(PostgreSqlMigrations.Latest, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.schema_migrations"));
        Assert.False(await store.WasHandledAsync("e", "m"));
    }

    [Fact]
    public void The_lock_key_is_stable_and_per_schema()
    {
        Assert.Equal(PostgreSqlMigrations.LockKey("switchboard"), PostgreSqlMigrations.LockKey("switchboard"));
        Assert.NotEqual(PostgreSqlMigrations.LockKey("switchboard"), PostgreSqlMigrations.LockKey("other"));

        // FNV-1a is fixed: a changed key would let an old and a new process migrate at once.
        Assert.Equal(PostgreSqlMigrations.LockKey("a"), PostgreSqlMigrations.LockKey("a"));
    }

    [Fact]
    public void Identifiers_are_quoted()
    {
        Assert.Equal("\"switchboard\"", PostgreSqlNames.Quote("switchboard"));
        Assert.Equal("\"we\"\"ird\"", PostgreSqlNames.Quote("we\"ird"));
        Assert.Throws<ArgumentException>(() => PostgreSqlNames.Quote(""));
        Assert.Equal("\"s\", \"$user\", public", PostgreSqlMessageStore.SearchPath("s", null));
        Assert.Equal("\"s\", app", PostgreSqlMessageStore.SearchPath("s", "app"));
    }
}

/// <summary>A schema whose name needs quoting (case, a space, a quote) works end to end.</summary>
public sealed class OddSchemaNameTests : IAsyncLifetime
{
    private readonly string _schema = "Odd \"Name\" " + Guid.NewGuid().ToString("N")[..8];
    private PostgreSqlMessageStore? _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await using var admin = TestServer.CreateDataSource();
        await TestServer.DropSchemaAsync(admin, _schema);
    }

    [Fact]
    public async Task Works()
    {
        _store = new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = _schema });
        await _store.InitializeAsync();
        await _store.InitializeAsync();
        await using (var transaction = await _store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("e", "m"));
            var db = await transaction.GetDbTransactionAsync();
            await using var command = db.Connection!.CreateCommand();
            command.Transaction = db;
            command.CommandText = "CREATE TABLE mine (id int); SELECT current_schema()";
            Assert.Equal(_schema, await command.ExecuteScalarAsync());
            await transaction.CommitAsync();
        }

        Assert.True(await _store.WasHandledAsync("e", "m"));
    }
}
