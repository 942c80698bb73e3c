using Microsoft.Data.Sqlite;
using Switchboard.Auditing;
using Switchboard.Messages;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// The audit log over <c>sb_audit</c>: a batch is one operation of the file's writer (group-committed with whatever
/// else it writes), reads go through a reader connection. Times are UTC ticks. No index on the finish time, which would
/// cost every insert: pruning by age removes the records written before the first one that is young enough, reading
/// from the oldest, so its cost is the records it removes.
/// </summary>
internal sealed class SqliteAuditLog(SqliteConnections connections, SqliteWriter writer) : IAuditLog
{
    private const string Columns = """
        seq, message_id, message_type, correlation_id, causation_id, traceparent, endpoint, service, instance, sent_at,
        received_at, finished_at, attempts, outcome, reason, exception_type, exception_message, headers, content_type,
        body, body_length
        """;

    private const string Insert = """
        INSERT INTO sb_audit (message_id, message_type, correlation_id, causation_id, traceparent, endpoint, service,
            instance, sent_at, received_at, finished_at, attempts, outcome, reason, exception_type, exception_message,
            headers, content_type, body, body_length)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
        """;

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS sb_audit (
            seq INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL,
            message_type TEXT NOT NULL,
            correlation_id TEXT,
            causation_id TEXT,
            traceparent TEXT,
            endpoint TEXT NOT NULL,
            service TEXT NOT NULL,
            instance TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            outcome INTEGER NOT NULL,
            reason TEXT,
            exception_type TEXT,
            exception_message TEXT,
            headers TEXT,
            content_type TEXT NOT NULL,
            body BLOB,
            body_length INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS sb_audit_by_correlation ON sb_audit (correlation_id, seq) WHERE correlation_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS sb_audit_by_message ON sb_audit (message_id);
        """;

    public async ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0)
        {
            return;
        }

        await writer.ExecuteAsync(new DelegateOperation<bool>(batch =>
        {
            // A raw statement prepared once for the writer's life: this runs for every audited message.
            var insert = batch.Raw(Insert);
            foreach (var record in records)
            {
                insert.Bind(1, record.MessageId).Bind(2, record.MessageType).BindOrNull(3, record.CorrelationId)
                    .BindOrNull(4, record.CausationId).BindOrNull(5, record.TraceParent).Bind(6, record.Endpoint)
                    .Bind(7, record.Service).Bind(8, record.Instance).Bind(9, record.SentAt.UtcTicks)
                    .Bind(10, record.ReceivedAt.UtcTicks).Bind(11, record.FinishedAt.UtcTicks).Bind(12, record.Attempts)
                    .Bind(13, (int)record.Outcome).BindOrNull(14, record.Reason).BindOrNull(15, record.ExceptionType)
                    .BindOrNull(16, record.ExceptionMessage)
                    .BindOrNull(17, record.Headers.Count == 0 ? null : HeadersJson.Write(record.Headers))
                    .Bind(18, record.ContentType).Bind(20, record.BodyLength);
                if (record.Body.IsEmpty)
                {
                    insert.BindNull(19);
                }
                else
                {
                    insert.Bind(19, record.Body.Span);
                }

                insert.Execute();
            }

            return true;
        }), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyList<AuditRecord>> ReadConversationAsync(string correlationId, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Read($"SELECT {Columns} FROM sb_audit WHERE correlation_id = $key ORDER BY seq LIMIT $max", correlationId, max);
    }

    public ValueTask<IReadOnlyList<AuditRecord>> ReadMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        Read($"SELECT {Columns} FROM sb_audit WHERE message_id = $key ORDER BY seq LIMIT $max", messageId, -1);

    public async ValueTask<long> PruneAsync(DateTimeOffset before, long keep, CancellationToken cancellationToken = default) =>
        await writer.ExecuteAsync(new DelegateOperation<long>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = """
                DELETE FROM sb_audit WHERE seq < coalesce((SELECT seq FROM sb_audit WHERE finished_at >= $before ORDER BY seq LIMIT 1), 9223372036854775807);
                DELETE FROM sb_audit WHERE seq <= (SELECT seq FROM sb_audit ORDER BY seq DESC LIMIT 1 OFFSET $keep);
                """;
            command.Parameters.AddWithValue("$before", before.UtcTicks);
            command.Parameters.AddWithValue("$keep", keep);
            return command.ExecuteNonQuery();
        }), cancellationToken).ConfigureAwait(false);

    private ValueTask<IReadOnlyList<AuditRecord>> Read(string sql, string key, int max)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$max", max);
        var records = new List<AuditRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(new AuditRecord
            {
                Sequence = reader.GetInt64(0),
                MessageId = reader.GetString(1),
                MessageType = reader.GetString(2),
                CorrelationId = Text(reader, 3),
                CausationId = Text(reader, 4),
                TraceParent = Text(reader, 5),
                Endpoint = reader.GetString(6),
                Service = reader.GetString(7),
                Instance = reader.GetString(8),
                SentAt = new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
                ReceivedAt = new DateTimeOffset(reader.GetInt64(10), TimeSpan.Zero),
                FinishedAt = new DateTimeOffset(reader.GetInt64(11), TimeSpan.Zero),
                Attempts = reader.GetInt32(12),
                Outcome = (AuditOutcome)reader.GetInt32(13),
                Reason = Text(reader, 14),
                ExceptionType = Text(reader, 15),
                ExceptionMessage = Text(reader, 16),
                Headers = reader.IsDBNull(17) ? Envelope.EmptyHeaders : HeadersJson.Read(reader.GetString(17)),
                ContentType = reader.GetString(18),
                Body = reader.IsDBNull(19) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(19),
                BodyLength = reader.GetInt32(20),
            });
        }

        return ValueTask.FromResult<IReadOnlyList<AuditRecord>>(records);
    }

    private static object Nullable(string? value) => (object?)value ?? DBNull.Value;

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
