using Switchboard.EventSourcing;
using Switchboard.Sqlite.Events;
using Switchboard.Conformance;

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

    public ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default) => SqliteTestTables.CreateAsync(path, name, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default) => SqliteTestTables.ReadAsync(path, name, cancellationToken);

    public ValueTask DisposeAsync()
    {
        TestDatabase.Delete(path);
        return ValueTask.CompletedTask;
    }
}
