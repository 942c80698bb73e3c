using Microsoft.Data.Sqlite;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Events;
using Switchboard.Testing;

namespace Switchboard.Sqlite.Tests.Conformance;

/// <summary>A fresh SQLite file per test; each store created on it is another "process" with its own writer.</summary>
public sealed class SqliteEventStoreFactory : IEventStoreFactory
{
    public ValueTask<IEventStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IEventStoreScope>(new SqliteEventStoreScope(TestDatabase.NewPath()));
}

internal sealed class SqliteEventStoreScope(string path) : IEventStoreScope, ITestDatabase
{
    public bool SingleWriter => true;

    public IEventStore CreateStore() => new SqliteEventStore(new SqliteTransportOptions { Path = path });

    public async ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS {name} (id TEXT PRIMARY KEY, value BIGINT NOT NULL)";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, value FROM {name}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }

    public ValueTask DisposeAsync()
    {
        TestDatabase.Delete(path);
        return ValueTask.CompletedTask;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
