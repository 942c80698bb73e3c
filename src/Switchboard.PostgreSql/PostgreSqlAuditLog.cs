using Npgsql;
using NpgsqlTypes;
using Switchboard.Auditing;
using Switchboard.Messages;

namespace Switchboard.PostgreSql;

/// <summary>
/// The audit log over the store schema's <c>audit</c> table (migration 3): a batch is one <c>INSERT … SELECT FROM
/// unnest(…)</c> of one array per column, so one round trip and one implicit transaction whatever its size.
/// </summary>
internal sealed class PostgreSqlAuditLog(NpgsqlDataSource statements, string schema) : IAuditLog
{
    private const string Columns = """
        seq, message_id, message_type, correlation_id, causation_id, traceparent, endpoint, service, instance, sent_at,
        received_at, finished_at, attempts, outcome, reason, exception_type, exception_message, headers, content_type,
        body, body_length
        """;

    private readonly string _table = PostgreSqlNames.Quote(schema) + ".audit";

    public async ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0)
        {
            return;
        }

        var command = statements.CreateCommand($"""
            INSERT INTO {_table} (message_id, message_type, correlation_id, causation_id, traceparent, endpoint, service,
                instance, sent_at, received_at, finished_at, attempts, outcome, reason, exception_type, exception_message,
                headers, content_type, body, body_length)
            SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
            """);
        await using (command.ConfigureAwait(false))
        {
            var p = command.Parameters;
            p.Add(Array(NpgsqlDbType.Text, records, r => r.MessageId));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.MessageType));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.CorrelationId));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.CausationId));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.TraceParent));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.Endpoint));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.Service));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.Instance));
            p.Add(Array(NpgsqlDbType.TimestampTz, records, r => r.SentAt.ToUniversalTime()));
            p.Add(Array(NpgsqlDbType.TimestampTz, records, r => r.ReceivedAt.ToUniversalTime()));
            p.Add(Array(NpgsqlDbType.TimestampTz, records, r => r.FinishedAt.ToUniversalTime()));
            p.Add(Array(NpgsqlDbType.Integer, records, r => r.Attempts));
            p.Add(Array(NpgsqlDbType.Smallint, records, r => (short)r.Outcome));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.Reason));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.ExceptionType));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.ExceptionMessage));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.Headers.Count == 0 ? null : HeadersJson.Write(r.Headers)));
            p.Add(Array(NpgsqlDbType.Text, records, r => r.ContentType));
            p.Add(Array(NpgsqlDbType.Bytea, records, r => r.Body.IsEmpty ? null : r.Body.ToArray()));
            p.Add(Array(NpgsqlDbType.Integer, records, r => r.BodyLength));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<IReadOnlyList<AuditRecord>> ReadConversationAsync(string correlationId, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return ReadAsync($"SELECT {Columns} FROM {_table} WHERE correlation_id = $1 ORDER BY seq LIMIT $2", correlationId, max, cancellationToken);
    }

    public ValueTask<IReadOnlyList<AuditRecord>> ReadMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        ReadAsync($"SELECT {Columns} FROM {_table} WHERE message_id = $1 ORDER BY seq LIMIT $2", messageId, null, cancellationToken);

    public async ValueTask<long> PruneAsync(DateTimeOffset before, long keep, CancellationToken cancellationToken = default)
    {
        var batch = new NpgsqlBatch { BatchCommands =
        {
            new NpgsqlBatchCommand($"DELETE FROM {_table} WHERE finished_at < $1") { Parameters = { OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, before.ToUniversalTime()) } },
            new NpgsqlBatchCommand($"DELETE FROM {_table} WHERE seq <= (SELECT seq FROM {_table} ORDER BY seq DESC OFFSET $1 LIMIT 1)") { Parameters = { OutboxColumns.Parameter(NpgsqlDbType.Bigint, keep) } },
        } };
        await using (batch.ConfigureAwait(false))
        {
            var connection = await statements.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                batch.Connection = connection;
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return batch.BatchCommands[0].RecordsAffected + batch.BatchCommands[1].RecordsAffected;
            }
        }
    }

    private async ValueTask<IReadOnlyList<AuditRecord>> ReadAsync(string sql, string key, int? max, CancellationToken cancellationToken)
    {
        var command = statements.CreateCommand(sql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, key));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Integer, max));
            var records = new List<AuditRecord>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
                        SentAt = reader.GetFieldValue<DateTimeOffset>(9),
                        ReceivedAt = reader.GetFieldValue<DateTimeOffset>(10),
                        FinishedAt = reader.GetFieldValue<DateTimeOffset>(11),
                        Attempts = reader.GetInt32(12),
                        Outcome = (AuditOutcome)reader.GetInt16(13),
                        Reason = Text(reader, 14),
                        ExceptionType = Text(reader, 15),
                        ExceptionMessage = Text(reader, 16),
                        Headers = reader.IsDBNull(17) ? Envelope.EmptyHeaders : HeadersJson.Read(reader.GetString(17)),
                        ContentType = reader.GetString(18),
                        Body = reader.IsDBNull(19) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(19),
                        BodyLength = reader.GetInt32(20),
                    });
                }
            }

            return records;
        }
    }

    private static NpgsqlParameter Array<T>(NpgsqlDbType type, IReadOnlyList<AuditRecord> records, Func<AuditRecord, T> column)
    {
        var values = new T[records.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = column(records[i]);
        }

        return new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values };
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
