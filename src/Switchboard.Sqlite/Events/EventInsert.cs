using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// The insert of one event as a raw prepared statement on the writer's connection, bound by index. It is the
/// hottest statement of the store; through <see cref="SqliteCommand"/> every row paid for a data reader, parameter
/// lookups by name and a copy of the data.
/// </summary>
internal sealed class EventInsert : IDisposable
{
    private const string Sql = """
        INSERT INTO sb_events (stream_id, version, event_id, category, type, data, metadata, created)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public EventInsert(SqliteConnection connection)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, Sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>
    /// Binds what every row of one append shares. Bindings survive <c>sqlite3_reset</c>, so the rows that follow
    /// bind only their own values (and the stream id is converted to UTF-8 once per append, not once per event).
    /// </summary>
    public void Begin(string streamId, string category, long created)
    {
        raw.sqlite3_bind_text(_statement, 1, streamId);
        raw.sqlite3_bind_text(_statement, 4, category);
        raw.sqlite3_bind_int64(_statement, 8, created);
    }

    /// <summary>Inserts one row of the append begun last; a failure (e.g. a duplicate event id) throws <see cref="SqliteException"/> and leaves nothing of the row.</summary>
    public void Run(long version, string eventId, string type, ReadOnlySpan<byte> data, string? metadata)
    {
        try
        {
            raw.sqlite3_bind_int64(_statement, 2, version);
            raw.sqlite3_bind_text(_statement, 3, eventId);
            raw.sqlite3_bind_text(_statement, 5, type);
            if (data.IsEmpty)
            {
                raw.sqlite3_bind_zeroblob(_statement, 6, 0); // an empty span could bind NULL
            }
            else
            {
                raw.sqlite3_bind_blob(_statement, 6, data);
            }

            if (metadata is null)
            {
                raw.sqlite3_bind_null(_statement, 7);
            }
            else
            {
                raw.sqlite3_bind_text(_statement, 7, metadata);
            }

            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                // The primary code, as the writer's retry filter and the append's constraint check expect.
                SqliteException.ThrowExceptionForRC(rc & 0xFF, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>The position SQLite gave the last row inserted on the writer's connection.</summary>
    public long LastPosition => raw.sqlite3_last_insert_rowid(_db);

    public void Dispose() => _statement.Dispose();
}
