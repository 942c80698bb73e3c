using Microsoft.Data.Sqlite;
using SQLitePCL;
using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// The insert of one message row as a raw prepared statement on the writer's connection, bound by index: with the
/// acknowledgement's delete, the writer's most frequent statement. Through <see cref="SqliteCommand"/> every row paid
/// for a data reader and parameter lookups by name. A publish binds the envelope once and each queue's row only its
/// rowid and queue.
/// </summary>
internal sealed class MessageInsert : IDisposable
{
    private const string Sql = $"""
        INSERT INTO sb_messages (seq, queue, visible_at, {SqliteSchema.EnvelopeColumnList})
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        """;

    private const int PrimaryKeyViolation = 1555;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public MessageInsert(SqliteConnection connection)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, Sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Binds what every copy of the message shares; bindings survive <c>sqlite3_reset</c>.</summary>
    public void Begin(long visibleAt, Envelope envelope)
    {
        raw.sqlite3_bind_int64(_statement, 3, visibleAt);
        raw.sqlite3_bind_text(_statement, 4, envelope.MessageId);
        raw.sqlite3_bind_text(_statement, 5, envelope.MessageType);
        BindText(6, envelope.CorrelationId);
        BindText(7, envelope.CausationId);
        BindText(8, envelope.TraceParent);
        raw.sqlite3_bind_int64(_statement, 9, envelope.SentAt.UtcTicks);
        raw.sqlite3_bind_text(_statement, 10, envelope.ContentType);
        BindText(11, envelope.Headers.Count == 0 ? null : HeadersJson.Write(envelope.Headers));
        if (envelope.Body.IsEmpty)
        {
            raw.sqlite3_bind_zeroblob(_statement, 12, 0); // an empty span could bind NULL
        }
        else
        {
            raw.sqlite3_bind_blob(_statement, 12, envelope.Body.Span);
        }
    }

    /// <summary>
    /// Inserts the message begun last into <paramref name="queue"/> at <paramref name="rowid"/> (null: SQLite's next);
    /// false, with nothing inserted, when that rowid is taken. Other failures throw <see cref="SqliteException"/>.
    /// </summary>
    public bool TryRun(string queue, long? rowid)
    {
        try
        {
            if (rowid is { } value)
            {
                raw.sqlite3_bind_int64(_statement, 1, value);
            }
            else
            {
                raw.sqlite3_bind_null(_statement, 1);
            }

            raw.sqlite3_bind_text(_statement, 2, queue);
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_DONE)
            {
                return true;
            }

            if (rowid is not null && raw.sqlite3_extended_errcode(_db) == PrimaryKeyViolation)
            {
                return false;
            }

            // The primary code, as the writer's retry filter expects.
            SqliteException.ThrowExceptionForRC(rc & 0xFF, _db);
            return false;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void BindText(int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(_statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(_statement, index, value);
        }
    }
}
