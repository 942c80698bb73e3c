using Microsoft.Data.Sqlite;
using Switchboard.EventSourcing;

namespace Switchboard.Sqlite.Events;

/// <summary>Reads rows selected with <see cref="EventStoreSchema.EventColumns"/> as recorded events.</summary>
internal static class EventRows
{
    /// <summary>One event.</summary>
    public static RecordedEvent Read(SqliteDataReader reader) => new(
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetInt64(0),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetFieldValue<byte[]>(5),
        reader.IsDBNull(6) ? EventMetadata.Empty : EventMetadataJson.Read(reader.GetString(6)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)));

    /// <summary>The bytes to bind: the array itself when the memory is a whole array, otherwise a copy.</summary>
    public static byte[] AsArray(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();
}
