using Microsoft.Data.Sqlite;
using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// The insert of one message row on the writer's connection as a <see cref="RawStatement"/>: with the
/// acknowledgement's delete, the writer's most frequent statement. A publish binds the envelope once and each
/// queue's row only its rowid and queue.
/// </summary>
internal sealed class MessageInsert(SqliteConnection connection) : IDisposable
{
    private const int PrimaryKeyViolation = 1555;

    private readonly RawStatement _statement = new(connection, $"""
        INSERT INTO sb_messages (seq, queue, visible_at, {SqliteSchema.EnvelopeColumnList})
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        """);

    /// <summary>Binds what every copy of the message shares; bindings survive a run.</summary>
    public void Begin(long visibleAt, Envelope envelope) => _statement
        .Bind(3, visibleAt)
        .Bind(4, envelope.MessageId)
        .Bind(5, envelope.MessageType)
        .BindOrNull(6, envelope.CorrelationId)
        .BindOrNull(7, envelope.CausationId)
        .BindOrNull(8, envelope.TraceParent)
        .Bind(9, envelope.SentAt.UtcTicks)
        .Bind(10, envelope.ContentType)
        .BindOrNull(11, envelope.Headers.Count == 0 ? null : HeadersJson.Write(envelope.Headers))
        .Bind(12, envelope.Body.Span);

    /// <summary>
    /// Inserts the message begun last into <paramref name="queue"/> at <paramref name="rowid"/> (null: SQLite's next);
    /// false, with nothing inserted, when that rowid is taken. Other failures throw <see cref="SqliteException"/>.
    /// </summary>
    public bool TryRun(string queue, long? rowid)
    {
        try
        {
            _statement.BindOrNull(1, rowid).Bind(2, queue).Execute();
            return true;
        }
        catch (SqliteException exception) when (rowid is not null && exception.SqliteExtendedErrorCode == PrimaryKeyViolation)
        {
            return false;
        }
    }

    public void Dispose() => _statement.Dispose();
}
