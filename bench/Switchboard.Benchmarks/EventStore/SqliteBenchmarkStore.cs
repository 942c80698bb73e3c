using Switchboard.Sqlite;
using Switchboard.Sqlite.Events;

namespace Switchboard.Benchmarks.EventStore;

/// <summary>A SQLite event store in a fresh file on the machine's disk, default (durable) options; the file is deleted afterwards.</summary>
internal static class SqliteBenchmarkStore
{
    public static BenchmarkEventStore Create()
    {
        var directory = Directory.CreateTempSubdirectory("switchboard-bench-events-");
        var store = new SqliteEventStore(new SqliteTransportOptions { Path = Path.Combine(directory.FullName, "events.db") });
        return BenchmarkEventStore.For(store, () =>
        {
            directory.Delete(recursive: true);
            return ValueTask.CompletedTask;
        });
    }
}
