namespace Switchboard.Sqlite;

/// <summary>The transport's tables. Applied idempotently at start-up by whichever process comes first.</summary>
internal static class SqliteSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS sb_queues (
            name TEXT PRIMARY KEY
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS sb_subscriptions (
            topic TEXT NOT NULL,
            queue TEXT NOT NULL,
            PRIMARY KEY (topic, queue)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS sb_messages (
            seq INTEGER PRIMARY KEY,
            queue TEXT NOT NULL,
            visible_at INTEGER NOT NULL,
            delivery_count INTEGER NOT NULL DEFAULT 0,
            lease INTEGER,
            message_id TEXT NOT NULL,
            message_type TEXT NOT NULL,
            correlation_id TEXT,
            causation_id TEXT,
            traceparent TEXT,
            sent_at INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            headers TEXT,
            body BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS sb_messages_ready ON sb_messages (queue, visible_at);

        CREATE TABLE IF NOT EXISTS sb_dead_letters (
            seq INTEGER PRIMARY KEY,
            queue TEXT NOT NULL,
            dead_lettered_at INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            message_type TEXT NOT NULL,
            correlation_id TEXT,
            causation_id TEXT,
            traceparent TEXT,
            sent_at INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            headers TEXT,
            body BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS sb_dead_letters_by_queue ON sb_dead_letters (queue, seq);
        """;

    /// <summary>The envelope columns, in the order <see cref="EnvelopeColumns"/> binds and reads them.</summary>
    public const string EnvelopeColumnList = "message_id, message_type, correlation_id, causation_id, traceparent, sent_at, content_type, headers, body";
}
