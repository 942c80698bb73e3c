using System.Buffers.Binary;

namespace Switchboard.Messages;

/// <summary>
/// New message ids: RFC 9562 UUIDv7 strings (a millisecond timestamp, then 74 random bits), so ids sort by time
/// and index well in databases. The random bits come from <see cref="Random.Shared"/>, not the system's
/// cryptographic source: ids must be unique, not unguessable, and <c>Guid.CreateVersion7</c> costs a system call each.
/// </summary>
public static class MessageIds
{
    /// <summary>A new id.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        var milliseconds = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt64BigEndian(bytes[..8], (milliseconds << 16) | BinaryPrimitives.ReadUInt16BigEndian(bytes[6..8]));
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
