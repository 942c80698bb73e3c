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
        INSERT INTO sb_messages (seq, queue, visible_at, delivery_count, lease, {SqliteSchema.EnvelopeColumnList}, ordering_key)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
        """);

    /// <summary>
    /// Binds what every copy of the message shares; bindings survive a run. The ordering key is kept on every queue:
    /// it costs little, and a queue may be declared ordered later.
    /// </summary>
    public void Begin(Envelope envelope) => _statement
        .Bind(6, envelope.MessageId)
        .Bind(7, envelope.MessageType)
        .BindOrNull(8, envelope.CorrelationId)
        .BindOrNull(9, envelope.CausationId)
        .BindOrNull(10, envelope.TraceParent)
        .Bind(11, envelope.SentAt.UtcTicks)
        .Bind(12, envelope.ContentType)
        .BindOrNull(13, envelope.Headers.Count == 0 ? null : HeadersJson.Write(envelope.Headers))
        .Bind(14, envelope.Body.Span)
        .BindOrNull(15, EnvelopeColumns.OrderingKey(envelope));

    /// <summary>
    /// Inserts the message begun last into <paramref name="queue"/> at <paramref name="rowid"/> (null: SQLite's next),
    /// visible from <paramref name="visibleAt"/>, and delivered once already under <paramref name="lease"/> when one is
    /// given (a hand-off); false, with nothing inserted, when that rowid is taken. Other failures throw
    /// <see cref="SqliteException"/>.
    /// </summary>
    public bool TryRun(string queue, long? rowid, long visibleAt, long? lease)
    {
        try
        {
            _statement.BindOrNull(1, rowid).Bind(2, queue).Bind(3, visibleAt).Bind(4, lease is null ? 0 : 1).BindOrNull(5, lease).Execute();
            return true;
        }
        catch (SqliteException exception) when (rowid is not null && exception.SqliteExtendedErrorCode == PrimaryKeyViolation)
        {
            return false;
        }
    }

    /// <summary>The rowid of the last row inserted.</summary>
    public long LastRowid => _statement.LastInsertRowid;

    public void Dispose() => _statement.Dispose();
}
