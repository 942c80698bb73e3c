using Microsoft.Data.Sqlite;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// A read of events as a raw prepared statement on a reader connection: catch-up reads millions of rows, and
/// reading the columns straight from SQLite lets consecutive rows share one string for a repeated stream id or type
/// instead of decoding it again for every event; an aggregate's load reads its stream for nearly every message, and
/// skips the data reader <see cref="SqliteCommand"/> would allocate. Parameters of a page of all events
/// (<see cref="Read"/>): ?1 the position to read after, ?2 the page size, then the filter's values in order; of a
/// stream (<see cref="ReadStream"/>): ?1 the stream, ?2 the version to start from, ?3 the most events.
/// </summary>
internal sealed class EventPageQuery(SqliteConnection connection, string sql) : IDisposable
{
    private readonly RawStatement _statement = new(connection, sql);

    public List<RecordedEvent> Read(long afterPosition, int maxCount, IReadOnlyList<string> filterValues)
    {
        _statement.Bind(1, afterPosition).Bind(2, maxCount);
        for (var index = 0; index < filterValues.Count; index++)
        {
            _statement.Bind(index + 3, filterValues[index]);
        }

        return ReadRows(Math.Min(maxCount, 4096), "");
    }

    public List<RecordedEvent> ReadStream(string streamId, long fromVersion, int maxCount)
    {
        _statement.Bind(1, streamId).Bind(2, fromVersion).Bind(3, maxCount);
        // Most streams are short (an aggregate's): the list grows if this one is not.
        return ReadRows(Math.Min(maxCount, 16), streamId);
    }

    public void Dispose() => _statement.Dispose();

    // Each row shares the stream id and type of the row before when they repeat; the first row compares its stream id
    // with the expected one, so that a stream's own read decodes it for no row.
    private List<RecordedEvent> ReadRows(int capacity, string stream)
    {
        var events = new List<RecordedEvent>(capacity);
        _statement.ForEachRow((Events: events, Stream: stream), static (row, read) =>
        {
            var previous = read.Events.Count == 0 ? null : read.Events[^1];
            read.Events.Add(new RecordedEvent(
                row.Text(1, previous?.StreamId ?? read.Stream),
                row.Int64(2),
                row.Int64(0),
                row.Text(3),
                row.Text(4, previous?.Type ?? ""),
                row.Blob(5),
                row.IsNull(6) ? EventMetadata.Empty : EventMetadataJson.Read(row.Text(6)),
                DateTimeOffset.FromUnixTimeMilliseconds(row.Int64(7))));
        });
        return events;
    }
}
