namespace Switchboard.Persistence;

/// <summary>How the outbox relay and the inbox clean-up behave (bus-wide).</summary>
public sealed record StoreOptions
{
    /// <summary>How often the relay looks for messages a crash or a failed dispatch left in the outbox.</summary>
    public TimeSpan RelayInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old an outbox message must be before the relay takes it: younger ones are still being dispatched by
    /// the handler that committed them.
    /// </summary>
    public TimeSpan DispatchGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages the relay claims per round.</summary>
    public int RelayBatch { get; init; } = 100;

    /// <summary>Failed dispatch attempts after which a message is quarantined (it stops blocking nothing, and waits for an operator).</summary>
    public int MaxDispatchAttempts { get; init; } = 10;

    /// <summary>Back-off after the first failed dispatch; doubled per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off between dispatch attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the inbox remembers a handled message id: a copy redelivered later than this runs the handler
    /// again. Longer than any redelivery the broker or a re-drive can produce.
    /// </summary>
    public TimeSpan InboxRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How often inbox records past the retention are deleted.</summary>
    public TimeSpan InboxPurgeInterval { get; init; } = TimeSpan.FromHours(1);
}
