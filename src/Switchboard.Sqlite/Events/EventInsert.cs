using Microsoft.Data.Sqlite;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// The insert of one event on the writer's connection as a <see cref="RawStatement"/>. It is the hottest statement of
/// the store; through <see cref="SqliteCommand"/> every row paid for a data reader, parameter lookups by name and a
/// copy of the data.
/// </summary>
internal sealed class EventInsert(SqliteConnection connection) : IDisposable
{
    private readonly RawStatement _statement = new(connection, """
        INSERT INTO sb_events (stream_id, version, event_id, category, type, data, metadata, created)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """);

    /// <summary>
    /// Binds what every row of one append shares. Bindings survive a run, so the rows that follow bind only their own
    /// values (and the stream id is converted to UTF-8 once per append, not once per event).
    /// </summary>
    public void Begin(string streamId, string category, long created) =>
        _statement.Bind(1, streamId).Bind(4, category).Bind(8, created);

    /// <summary>Inserts one row of the append begun last; a failure (e.g. a duplicate event id) throws <see cref="SqliteException"/> and leaves nothing of the row.</summary>
    public void Run(long version, string eventId, string type, ReadOnlySpan<byte> data, string? metadata) =>
        _statement.Bind(2, version).Bind(3, eventId).Bind(5, type).Bind(6, data).BindOrNull(7, metadata).Execute();

    /// <summary>The position SQLite gave the last row inserted on the writer's connection.</summary>
    public long LastPosition => _statement.LastInsertRowid;

    public void Dispose() => _statement.Dispose();
}
