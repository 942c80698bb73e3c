namespace Switchboard.Benchmarks.Soak;

/// <summary>
/// The bookkeeping of <see cref="Size"/> consecutive items of a soak: when each was sent, and a bit per item that
/// its first completion sets. The tracker drops the chunk once every item in it completed.
/// </summary>
internal sealed class CompletionChunk
{
    /// <summary>Bits of the sequence number that select the item within its chunk.</summary>
    public const int Bits = 12;

    /// <summary>Items per chunk (32 KiB of send times and 512 bytes of bits).</summary>
    public const int Size = 1 << Bits;

    private readonly long[] _sentAt = new long[Size];
    private readonly long[] _done = new long[Size / 64];
    private int _completed;

    /// <summary>Records when item <paramref name="offset"/> of the chunk is sent.</summary>
    public void MarkSent(int offset, long timestamp) => Volatile.Write(ref _sentAt[offset], timestamp);

    /// <summary>
    /// Sets the item's bit. False if it was set already (a duplicate). <paramref name="last"/> tells whether this
    /// completion was the chunk's last one.
    /// </summary>
    public bool TryComplete(int offset, out long sentAt, out bool last)
    {
        var mask = 1L << (offset & 63);
        if ((Interlocked.Or(ref _done[offset >> 6], mask) & mask) != 0)
        {
            sentAt = 0;
            last = false;
            return false;
        }

        sentAt = Volatile.Read(ref _sentAt[offset]);
        last = Interlocked.Increment(ref _completed) == Size;
        return true;
    }
}
