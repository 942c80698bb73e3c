using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Sqlite.Events;
using Switchboard.Sqlite.Store;
using Switchboard.Conformance;

namespace Switchboard.Sqlite.Tests.Conformance;

/// <summary>
/// The embedded default: the store in the SQLite transport's own file, so units of work write their messages
/// straight into the transport's tables (no outbox hop).
/// </summary>
public sealed class SqliteSharedFileStoreFactory : IEventSourcedStoreFactory
{
    public ValueTask<IStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IStoreScope>(new SqliteStoreScope(TestDatabase.NewPath(), sharesTransportFile: true));

    // The event store in the transport's file, sharing its writer with the store.
    public void UseEventStore(SwitchboardBuilder builder, IStoreScope scope) => builder.UseSqliteEventStore();
}

/// <summary>The store in a file of its own next to another transport (in-memory here): messages go through the outbox.</summary>
public sealed class SqliteOwnFileStoreFactory : IStoreFactory
{
    public ValueTask<IStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IStoreScope>(new SqliteStoreScope(TestDatabase.NewPath(), sharesTransportFile: false));
}

internal sealed class SqliteStoreScope(string path, bool sharesTransportFile) : IStoreScope, ITestDatabase
{
    private readonly InMemoryNetwork _network = new();

    private SqliteTransportOptions Options => new() { Path = path, LeaseDuration = TimeSpan.FromSeconds(5) };

    public void Configure(SwitchboardBuilder builder, StoreOptions options)
    {
        if (sharesTransportFile)
        {
            builder.UseSqlite(Options).UseSqliteStore(options);
        }
        else
        {
            builder.UseInMemory(_network).UseSqliteStore(Options, options);
        }
    }

    public IMessageStore CreateStore() => new SqliteMessageStore(Options);

    public ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default) => SqliteTestTables.CreateAsync(path, name, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default) => SqliteTestTables.ReadAsync(path, name, cancellationToken);

    public ValueTask DisposeAsync()
    {
        TestDatabase.Delete(path);
        return ValueTask.CompletedTask;
    }
}
