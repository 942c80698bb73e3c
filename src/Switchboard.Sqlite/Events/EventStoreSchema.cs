namespace Switchboard.Sqlite.Events;

/// <summary>
/// The event store's tables, created idempotently through the writer (so several processes may start at once).
/// <c>position</c> is the global order: SQLite assigns it inside the single write transaction that commits the
/// event, so positions grow in commit order. AUTOINCREMENT keeps a position from ever being handed out twice.
/// </summary>
internal static class EventStoreSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS sb_events (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            stream_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            event_id TEXT NOT NULL UNIQUE,
            category TEXT NOT NULL,
            type TEXT NOT NULL,
            data BLOB NOT NULL,
            metadata TEXT,
            created INTEGER NOT NULL,
            UNIQUE (stream_id, version)
        );
        CREATE INDEX IF NOT EXISTS sb_events_by_category ON sb_events (category, position);

        CREATE TABLE IF NOT EXISTS sb_event_checkpoints (
            name TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS sb_event_snapshots (
            stream_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            type TEXT NOT NULL,
            data BLOB NOT NULL,
            saved_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>The columns <see cref="EventRows.Read"/> reads, in its order.</summary>
    public const string EventColumns = "position, stream_id, version, event_id, type, data, metadata, created";
}
