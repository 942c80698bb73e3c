using Switchboard.Configuration;

namespace Switchboard.Sqlite;

/// <summary>Settings of the SQLite transport.</summary>
public sealed record SqliteTransportOptions
{
    /// <summary>The database file. Every process that opens the same file shares its queues.</summary>
    public required string Path { get; init; }

    /// <summary>What a completed commit survives. Default <see cref="SqliteDurability.Full"/>.</summary>
    public SqliteDurability Durability { get; init; } = SqliteDurability.Full;

    /// <summary>
    /// How long a received message stays invisible to other consumers. Leases of messages a live consumer holds are
    /// renewed; the lease of a consumer whose process died expires and the message is delivered again. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a statement waits for another process's write lock before failing. Default 30 s.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most operations committed together in one transaction (group commit). Default 512.</summary>
    public int MaxBatch { get; init; } = 512;

    /// <summary>Most operations waiting for the writer; senders wait when it is full. Default 8,192.</summary>
    public int WriteQueueCapacity { get; init; } = 8_192;

    /// <summary>Longest pause between checks for messages committed by other processes when idle. Default 5 ms.</summary>
    public TimeSpan MaxIdlePoll { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>WAL size (bytes) past which the writer forces a checkpoint that truncates it. Default 64 MiB.</summary>
    public long WalTruncateThreshold { get; init; } = 64L * 1024 * 1024;

    /// <summary>What makes these settings valid, each problem naming its key.</summary>
    internal static void Check(SqliteTransportOptions options, Rules rules)
    {
        rules.Required(nameof(Path), options.Path);
        rules.Positive(nameof(LeaseDuration), options.LeaseDuration);
        rules.NotNegative(nameof(BusyTimeout), options.BusyTimeout);
        rules.AtLeast(nameof(MaxBatch), options.MaxBatch, 1);
        rules.AtLeast(nameof(WriteQueueCapacity), options.WriteQueueCapacity, 1);
        rules.Positive(nameof(MaxIdlePoll), options.MaxIdlePoll);
        rules.AtLeast(nameof(WalTruncateThreshold), options.WalTruncateThreshold, 0);
    }
}
