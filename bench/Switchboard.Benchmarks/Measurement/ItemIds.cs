using System.Buffers.Binary;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// Order ids that name their run and sequence number, so that a handler can tell an item of the current run
/// from a stray one (a late duplicate of the warm-up, a leftover in a durable queue).
/// </summary>
public static class ItemIds
{
    private const ulong Marker = 0x5357_4254_4348_4244; // "SWBTCHBD"

    /// <summary>The order id of item <paramref name="sequence"/> of run <paramref name="run"/>.</summary>
    public static Guid Create(int run, int sequence)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, run);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], Marker);
        return new Guid(bytes);
    }

    /// <summary>Reads the run and sequence number back; false for an id this benchmark did not make.</summary>
    public static bool TryRead(Guid id, out int run, out int sequence)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        run = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        sequence = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]) == Marker;
    }
}
