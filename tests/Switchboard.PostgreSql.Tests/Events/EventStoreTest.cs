using System.Text;
using Npgsql;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>A fresh schema per test (<see cref="SchemaScopedTest"/>) and event stores on it, disposed with the test.</summary>
public abstract class EventStoreTest : SchemaScopedTest
{
    /// <summary>A store on the test's schema (not initialized), disposed with the test.</summary>
    protected PostgreSqlEventStore NewStore(Func<PostgreSqlEventStoreOptions, PostgreSqlEventStoreOptions>? configure = null)
    {
        var options = new PostgreSqlEventStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = Schema };
        options = configure is null ? options : configure(options);
        return Track(new PostgreSqlEventStore(options));
    }

    protected async Task<PostgreSqlEventStore> InitializedStoreAsync(Func<PostgreSqlEventStoreOptions, PostgreSqlEventStoreOptions>? configure = null)
    {
        var store = NewStore(configure);
        await store.InitializeAsync();
        return store;
    }

    protected static EventData Event(string id, string type = "thing-happened", EventMetadata? metadata = null) =>
        new(id, type, Encoding.UTF8.GetBytes($$"""{"id":"{{id}}"}"""), metadata ?? EventMetadata.Empty);

    protected static EventData[] Events(string prefix, int count) => Enumerable.Range(0, count).Select(i => Event($"{prefix}-{i}")).ToArray();

    /// <summary>Every event readable after <paramref name="after"/>, page by page, and the position to continue from.</summary>
    protected static async Task<(List<RecordedEvent> Events, long Next)> ReadAllAsync(IEventStoreReader store, long after = 0, int pageSize = 100, EventFilter? filter = null)
    {
        var events = new List<RecordedEvent>();
        while (true)
        {
            var page = await store.ReadAllAsync(after, pageSize, filter);
            events.AddRange(page.Events);
            Assert.True(page.NextPosition >= after, "NextPosition went backwards");
            after = page.NextPosition;
            if (page.IsEnd)
            {
                return (events, after);
            }
        }
    }

    /// <summary>
    /// Reads all events after <paramref name="after"/> until at least <paramref name="count"/> came and the end is
    /// reached. Readers stop below the oldest transaction running anywhere in the cluster, and other tests run at the
    /// same time: events this test committed may become readable a moment later (never out of order, never twice).
    /// </summary>
    protected static async Task<(List<RecordedEvent> Events, long Next)> ReadUntilAsync(IEventStoreReader store, long after, int count, EventFilter? filter = null)
    {
        var events = new List<RecordedEvent>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (more, next) = await ReadAllAsync(store, after, filter: filter);
            events.AddRange(more);
            after = next;
            if (events.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return (events, after);
            }

            await Task.Delay(10);
        }
    }
}
