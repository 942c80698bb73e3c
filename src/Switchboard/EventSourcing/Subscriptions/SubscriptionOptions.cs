namespace Switchboard.EventSourcing.Subscriptions;

/// <summary>How an <see cref="EventSubscription"/> reads, checkpoints and recovers.</summary>
public sealed record SubscriptionOptions
{
    /// <summary>Creates options for the subscription named <paramref name="name"/> (its checkpoint's name).</summary>
    public SubscriptionOptions(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The subscription's name: the name of its checkpoint, and its tag in logs and metrics.</summary>
    public string Name { get; init; }

    /// <summary>Which events it reads (default: all).</summary>
    public EventFilter Filter { get; init; } = EventFilter.All;

    /// <summary>Events per read and per handled batch (default 500).</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// The longest a live subscription waits before reading again when the store did not signal an append (default 1 s):
    /// the polling interval where a store has no notification, and the latency bound where a notification was lost.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How the checkpoint is kept (default <see cref="CheckpointMode.AfterBatch"/>).</summary>
    public CheckpointMode CheckpointMode { get; init; } = CheckpointMode.AfterBatch;

    /// <summary>With <see cref="CheckpointMode.AfterBatch"/>: the longest time between checkpoint saves while events flow (default 1 s).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where to start without a checkpoint (default: the beginning).</summary>
    public SubscriptionStart StartFrom { get; init; } = SubscriptionStart.Beginning;

    /// <summary>The wait before handling a failed batch again; doubles per failure up to <see cref="MaxRetryDelay"/> (default 100 ms).</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between attempts at a failing batch (default 30 s). The subscription never skips a batch.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}
