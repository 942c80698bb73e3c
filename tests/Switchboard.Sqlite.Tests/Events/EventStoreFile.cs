using Switchboard.EventSourcing;
using Switchboard.Sqlite.Events;

namespace Switchboard.Sqlite.Tests.Events;

/// <summary>A throwaway file for event store tests; every store opened on it is another "process".</summary>
public sealed class EventStoreFile : IAsyncDisposable
{
    private readonly List<SqliteEventStore> _stores = [];

    public string Path { get; } = TestDatabase.NewPath();

    public async Task<SqliteEventStore> OpenAsync()
    {
        var store = new SqliteEventStore(new SqliteTransportOptions { Path = Path });
        _stores.Add(store);
        await store.InitializeAsync();
        return store;
    }

    public static EventData Event(string id, string type = "thing-happened") => new(id, type, "{\"n\":1}"u8.ToArray(), EventMetadata.Empty);

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        TestDatabase.Delete(Path);
    }
}
