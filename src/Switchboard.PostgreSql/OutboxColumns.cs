using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>Maps an <see cref="OutgoingMessage"/> onto the outbox's columns and an <see cref="OutboxEntry"/> back.</summary>
internal static class OutboxColumns
{
    /// <summary>The columns an insert binds, in the order of <see cref="Bind"/> ($1 to $12; $13 is the time it is stored).</summary>
    public const string InsertList = "message_id, kind, destination, message_type, correlation_id, causation_id, traceparent, sent_at, content_type, headers, body, deliver_at";

    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string SelectList = "message_id, kind, destination, message_type, correlation_id, causation_id, traceparent, sent_at, content_type, headers, body, deliver_at, created_at, attempts, last_error";

    /// <summary>Adds the twelve parameters of <see cref="InsertList"/>.</summary>
    public static void Bind(NpgsqlParameterCollection parameters, OutgoingMessage message)
    {
        var envelope = message.Envelope;
        parameters.Add(Parameter(NpgsqlDbType.Text, envelope.MessageId));
        parameters.Add(Parameter(NpgsqlDbType.Smallint, (short)message.Kind));
        parameters.Add(Parameter(NpgsqlDbType.Text, message.Destination));
        parameters.Add(Parameter(NpgsqlDbType.Text, envelope.MessageType));
        parameters.Add(Parameter(NpgsqlDbType.Text, envelope.CorrelationId));
        parameters.Add(Parameter(NpgsqlDbType.Text, envelope.CausationId));
        parameters.Add(Parameter(NpgsqlDbType.Text, envelope.TraceParent));
        parameters.Add(Parameter(NpgsqlDbType.TimestampTz, envelope.SentAt.ToUniversalTime()));
        parameters.Add(Parameter(NpgsqlDbType.Text, envelope.ContentType));
        parameters.Add(Parameter(NpgsqlDbType.Text, envelope.Headers.Count == 0 ? null : HeadersJson.Write(envelope.Headers)));
        parameters.Add(Parameter(NpgsqlDbType.Bytea, Body(envelope.Body)));
        parameters.Add(Parameter(NpgsqlDbType.TimestampTz, message.DeliverAt is { } at ? CeilingToMicrosecond(at.ToUniversalTime()) : null));
    }

    /// <summary>Reads an entry from the columns of <see cref="SelectList"/>.</summary>
    public static OutboxEntry Read(NpgsqlDataReader reader)
    {
        var envelope = new Envelope
        {
            MessageId = reader.GetString(0),
            MessageType = reader.GetString(3),
            CorrelationId = reader.IsDBNull(4) ? null : reader.GetString(4),
            CausationId = reader.IsDBNull(5) ? null : reader.GetString(5),
            TraceParent = reader.IsDBNull(6) ? null : reader.GetString(6),
            SentAt = reader.GetFieldValue<DateTimeOffset>(7),
            ContentType = reader.GetString(8),
            Headers = reader.IsDBNull(9) ? Envelope.EmptyHeaders : HeadersJson.Read(reader.GetString(9)),
            Body = reader.GetFieldValue<byte[]>(10),
        };
        var message = new OutgoingMessage(
            (OutgoingKind)reader.GetInt16(1),
            reader.GetString(2),
            envelope,
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11));
        return new OutboxEntry(message, reader.GetFieldValue<DateTimeOffset>(12), reader.GetInt32(13), reader.IsDBNull(14) ? null : reader.GetString(14));
    }

    /// <summary>A parameter for a positional placeholder; null is SQL NULL.</summary>
    public static NpgsqlParameter Parameter(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    /// <summary>
    /// PostgreSQL keeps microseconds; .NET has 100 ns ticks. A delivery time rounds up, so that a scheduled message is
    /// never delivered early (other times are truncated, as Npgsql writes them).
    /// </summary>
    public static DateTimeOffset CeilingToMicrosecond(DateTimeOffset time)
    {
        var extra = time.UtcTicks % TimeSpan.TicksPerMicrosecond;
        return extra == 0 ? time : time.AddTicks(TimeSpan.TicksPerMicrosecond - extra);
    }

    private static byte[] Body(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();
}
