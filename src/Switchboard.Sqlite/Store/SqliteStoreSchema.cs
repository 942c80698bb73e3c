namespace Switchboard.Sqlite.Store;

/// <summary>The store's tables, next to the transport's in the same file. Applied idempotently at start-up.</summary>
internal static class SqliteStoreSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS sb_inbox (
            endpoint TEXT NOT NULL,
            message_id TEXT NOT NULL,
            handled_at INTEGER NOT NULL,
            PRIMARY KEY (endpoint, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS sb_inbox_by_age ON sb_inbox (handled_at);

        CREATE TABLE IF NOT EXISTS sb_sagas (
            saga TEXT NOT NULL,
            key TEXT NOT NULL,
            version INTEGER NOT NULL,
            state TEXT NOT NULL,
            completed INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (saga, key)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS sb_outbox (
            seq INTEGER PRIMARY KEY,
            kind INTEGER NOT NULL,
            destination TEXT NOT NULL,
            deliver_at INTEGER,
            created_at INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            quarantined INTEGER NOT NULL DEFAULT 0,
            message_id TEXT NOT NULL UNIQUE,
            message_type TEXT NOT NULL,
            correlation_id TEXT,
            causation_id TEXT,
            traceparent TEXT,
            sent_at INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            headers TEXT,
            body BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS sb_outbox_due ON sb_outbox (quarantined, due_at);
        """;
}
