using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql;

/// <summary>Reads recorded events and binds parameters.</summary>
internal static class EventColumns
{
    /// <summary>An event from the columns of <see cref="EventStoreSql.EventColumnList"/>, starting at <paramref name="first"/>.</summary>
    public static RecordedEvent Read(NpgsqlDataReader reader, int first = 0) => new(
        reader.GetString(first + 1),
        reader.GetInt64(first + 2),
        reader.GetInt64(first),
        reader.GetString(first + 3),
        reader.GetString(first + 4),
        reader.GetFieldValue<byte[]>(first + 5),
        reader.IsDBNull(first + 6) ? EventMetadata.Empty : EventMetadataJson.Read(reader.GetString(first + 6)),
        reader.GetFieldValue<DateTimeOffset>(first + 7));

    public static NpgsqlParameter Parameter(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    /// <summary>The bytes as an array, without a copy when the memory is a whole array already.</summary>
    public static byte[] Array(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();
}
