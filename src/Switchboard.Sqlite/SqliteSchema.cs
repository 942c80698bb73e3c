using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite;

/// <summary>The transport's tables. Applied idempotently at start-up by whichever process comes first.</summary>
/// <remarks>
/// Each queue owns a range of <c>sb_messages</c>' rowids (<see cref="QueueRanges"/>), so that a queue's rows share
/// B-tree pages: claiming and deleting one queue's messages then dirties that queue's pages, not pages shared with
/// every other queue's newest rows. Files from before the ranges gain the <c>number</c> column here, and files from
/// before ordered queues (<see cref="OrderedRows"/>) the <c>ordered</c>, <c>ordering_key</c> and <c>parked_seq</c> columns.
/// </remarks>
internal static class SqliteSchema
{
    private const string Create = """
        CREATE TABLE IF NOT EXISTS sb_queues (
            name TEXT PRIMARY KEY,
            number INTEGER,
            ordered INTEGER NOT NULL DEFAULT 0
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
            body BLOB NOT NULL,
            ordering_key TEXT
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
            body BLOB NOT NULL,
            ordering_key TEXT,
            parked_seq INTEGER
        );
        CREATE INDEX IF NOT EXISTS sb_dead_letters_by_queue ON sb_dead_letters (queue, seq);

        CREATE INDEX IF NOT EXISTS sb_dead_letters_by_message_id ON sb_dead_letters (queue, message_id);
        """;

    // On columns an older file gains in Apply, so created after them. A key's line is read by seq; the started row of a key
    // (at most one, see OrderedRows) is looked up by the second index, which holds only started keyed rows.
    private const string Indexes = """
        CREATE INDEX IF NOT EXISTS sb_messages_by_key ON sb_messages (queue, ordering_key, seq) WHERE ordering_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS sb_messages_key_started ON sb_messages (queue, ordering_key) WHERE ordering_key IS NOT NULL AND delivery_count > 0;
        """;

    /// <summary>Creates the tables, or brings an older file's up to date, in one write transaction.</summary>
    public static void Apply(SqliteConnection connection)
    {
        SqliteConnections.Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            SqliteConnections.Execute(connection, Create);
            AddColumn(connection, "sb_queues", "number", "INTEGER");
            AddColumn(connection, "sb_queues", "ordered", "INTEGER NOT NULL DEFAULT 0");
            AddColumn(connection, "sb_messages", "ordering_key", "TEXT");
            AddColumn(connection, "sb_dead_letters", "ordering_key", "TEXT");
            AddColumn(connection, "sb_dead_letters", "parked_seq", "INTEGER");
            SqliteConnections.Execute(connection, "CREATE UNIQUE INDEX IF NOT EXISTS sb_queues_by_number ON sb_queues (number)");
            SqliteConnections.Execute(connection, Indexes);
            QueueRanges.NumberUnnumbered(connection);
            SqliteConnections.Execute(connection, "COMMIT");
        }
        catch
        {
            SqliteConnections.Execute(connection, "ROLLBACK");
            throw;
        }
    }

    private static void AddColumn(SqliteConnection connection, string table, string column, string definition)
    {
        if (!HasColumn(connection, table, column))
        {
            SqliteConnections.Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        }
    }

    private static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$column", column);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>The envelope columns, in the order <see cref="EnvelopeColumns"/> binds and reads them.</summary>
    public const string EnvelopeColumnList = "message_id, message_type, correlation_id, causation_id, traceparent, sent_at, content_type, headers, body";
}
