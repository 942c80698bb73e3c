namespace Switchboard.Sqlite;

/// <summary>How hard a commit is pushed to disk before a send or an acknowledgement completes.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=FULL</c> (the default): the WAL is fsynced at every commit. A completed send survives a
    /// process crash and a power loss.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c>: the WAL is fsynced only at checkpoints. A completed send survives a process crash
    /// (the OS has the data), but a power loss or OS crash may roll back the commits since the last checkpoint:
    /// completed sends may vanish and acknowledged messages may be delivered again. The file is never corrupted.
    /// </summary>
    Normal,
}
