using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite;

/// <summary>Maps an <see cref="Envelope"/> onto the envelope columns and back.</summary>
internal static class EnvelopeColumns
{
    /// <summary>Parameter names matching <see cref="SqliteSchema.EnvelopeColumnList"/>.</summary>
    public const string ParameterList = "$message_id, $message_type, $correlation_id, $causation_id, $traceparent, $sent_at, $content_type, $headers, $body";

    public static void AddParameters(SqliteCommand command)
    {
        foreach (var name in ParameterList.Split(", "))
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    /// <summary>Binds the envelope to parameters added by <see cref="AddParameters"/>, starting at <paramref name="first"/>.</summary>
    public static void Bind(SqliteParameterCollection parameters, int first, Envelope envelope)
    {
        parameters[first].Value = envelope.MessageId;
        parameters[first + 1].Value = envelope.MessageType;
        parameters[first + 2].Value = (object?)envelope.CorrelationId ?? DBNull.Value;
        parameters[first + 3].Value = (object?)envelope.CausationId ?? DBNull.Value;
        parameters[first + 4].Value = (object?)envelope.TraceParent ?? DBNull.Value;
        parameters[first + 5].Value = envelope.SentAt.UtcTicks;
        parameters[first + 6].Value = envelope.ContentType;
        parameters[first + 7].Value = envelope.Headers.Count == 0 ? DBNull.Value : HeadersJson.Write(envelope.Headers);
        parameters[first + 8].Value = Body(envelope.Body);
    }

    /// <summary>Reads an envelope from the nine envelope columns starting at <paramref name="first"/>.</summary>
    public static Envelope Read(SqliteDataReader reader, int first) => new()
    {
        MessageId = reader.GetString(first),
        MessageType = reader.GetString(first + 1),
        CorrelationId = reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
        CausationId = reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        TraceParent = reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
        SentAt = new DateTimeOffset(reader.GetInt64(first + 5), TimeSpan.Zero),
        ContentType = reader.GetString(first + 6),
        Headers = reader.IsDBNull(first + 7) ? Envelope.EmptyHeaders : HeadersJson.Read(reader.GetString(first + 7)),
        Body = reader.IsDBNull(first + 8) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(first + 8),
    };

    /// <summary>
    /// Reads an envelope from the nine envelope columns of <paramref name="row"/> starting at <paramref name="first"/>;
    /// its message and content types share the strings of <paramref name="previous"/> (the row before) when they are
    /// the same.
    /// </summary>
    public static Envelope Read(RawStatement row, int first, Envelope? previous) => new()
    {
        MessageId = row.Text(first),
        MessageType = previous is null ? row.Text(first + 1) : row.Text(first + 1, previous.MessageType),
        CorrelationId = row.IsNull(first + 2) ? null : row.Text(first + 2),
        CausationId = row.IsNull(first + 3) ? null : row.Text(first + 3),
        TraceParent = row.IsNull(first + 4) ? null : row.Text(first + 4),
        SentAt = new DateTimeOffset(row.Int64(first + 5), TimeSpan.Zero),
        ContentType = previous is null ? row.Text(first + 6) : row.Text(first + 6, previous.ContentType),
        Headers = row.IsNull(first + 7) ? Envelope.EmptyHeaders : HeadersJson.Read(row.Text(first + 7)),
        Body = row.IsNull(first + 8) ? ReadOnlyMemory<byte>.Empty : row.Blob(first + 8),
    };

    /// <summary>The envelope's ordering key (<see cref="HeaderNames.OrderingKey"/>), kept in the <c>ordering_key</c> column.</summary>
    public static string? OrderingKey(Envelope envelope) =>
        envelope.Headers.TryGetValue(HeaderNames.OrderingKey, out var key) ? key : null;

    private static byte[] Body(ReadOnlyMemory<byte> body) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : body.ToArray();
}
