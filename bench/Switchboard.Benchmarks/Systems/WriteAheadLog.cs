namespace Switchboard.Benchmarks.Systems;

/// <summary>A store's write-ahead log file, and the size past which the store promises to truncate it.</summary>
/// <param name="Path">The log file (for SQLite: the database path + <c>-wal</c>).</param>
/// <param name="TruncateThreshold">The store's truncation threshold in bytes (SQLite: <c>WalTruncateThreshold</c>).</param>
public sealed record WriteAheadLog(string Path, long TruncateThreshold)
{
    /// <summary>The file's size now; 0 when it does not exist (not yet created, or removed by a checkpoint).</summary>
    public long CurrentBytes()
    {
        var file = new FileInfo(Path);
        return file.Exists ? file.Length : 0;
    }
}
