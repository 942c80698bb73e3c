using Npgsql;

namespace Switchboard.PostgreSql.Tests;

/// <summary>A fresh schema name per test, dropped at the end, a data source for the test's own statements, and what the test opened on it, disposed first.</summary>
public abstract class SchemaScopedTest : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _opened = [];

    protected string Schema { get; } = TestServer.NewSchema();

    protected NpgsqlDataSource Admin { get; } = TestServer.CreateDataSource();

    protected string Quoted => PostgreSqlNames.Quote(Schema);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var opened in _opened)
        {
            await opened.DisposeAsync();
        }

        await TestServer.DropSchemaAsync(Admin, Schema);
        await Admin.DisposeAsync();
    }

    /// <summary>Disposes <paramref name="opened"/> with the test, before the schema is dropped.</summary>
    protected T Track<T>(T opened)
        where T : IAsyncDisposable
    {
        _opened.Add(opened);
        return opened;
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
