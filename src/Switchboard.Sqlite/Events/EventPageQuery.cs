using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Switchboard.EventSourcing;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// A read of events as a raw prepared statement on a reader connection: catch-up reads millions of rows, and
/// reading the columns straight from SQLite lets consecutive rows share one string for a repeated stream id or type
/// instead of decoding it again for every event; an aggregate's load reads its stream for nearly every message, and
/// skips the data reader <see cref="SqliteCommand"/> would allocate. Parameters of a page of all events
/// (<see cref="Read"/>): ?1 the position to read after, ?2 the page size, then the filter's values in order; of a
/// stream (<see cref="ReadStream"/>): ?1 the stream, ?2 the version to start from, ?3 the most events.
/// </summary>
internal sealed class EventPageQuery : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public EventPageQuery(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    public List<RecordedEvent> Read(long afterPosition, int maxCount, IReadOnlyList<string> filterValues)
    {
        raw.sqlite3_bind_int64(_statement, 1, afterPosition);
        raw.sqlite3_bind_int64(_statement, 2, maxCount);
        for (var index = 0; index < filterValues.Count; index++)
        {
            raw.sqlite3_bind_text(_statement, index + 3, filterValues[index]);
        }

        return ReadRows(Math.Min(maxCount, 4096), "");
    }

    public List<RecordedEvent> ReadStream(string streamId, long fromVersion, int maxCount)
    {
        raw.sqlite3_bind_text(_statement, 1, streamId);
        raw.sqlite3_bind_int64(_statement, 2, fromVersion);
        raw.sqlite3_bind_int64(_statement, 3, maxCount);
        // Most streams are short (an aggregate's): the list grows if this one is not.
        return ReadRows(Math.Min(maxCount, 16), streamId);
    }

    public void Dispose() => _statement.Dispose();

    // Steps through the bound statement and resets it; stream starts as the expected stream id, so that a stream's
    // own read decodes it for no row.
    private List<RecordedEvent> ReadRows(int capacity, string stream)
    {
        var events = new List<RecordedEvent>(capacity);
        try
        {
            var type = "";
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                stream = Reuse(1, stream);
                type = Reuse(4, type);
                var metadata = raw.sqlite3_column_type(_statement, 6) == raw.SQLITE_NULL
                    ? EventMetadata.Empty
                    : EventMetadataJson.Read(Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, 6)));
                events.Add(new RecordedEvent(
                    stream,
                    raw.sqlite3_column_int64(_statement, 2),
                    raw.sqlite3_column_int64(_statement, 0),
                    Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, 3)),
                    type,
                    raw.sqlite3_column_blob(_statement, 5).ToArray(),
                    metadata,
                    DateTimeOffset.FromUnixTimeMilliseconds(raw.sqlite3_column_int64(_statement, 7))));
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc & 0xFF, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }

        return events;
    }

    private string Reuse(int column, string previous) => Utf8Text.Reuse(raw.sqlite3_column_blob(_statement, column), previous);
}
