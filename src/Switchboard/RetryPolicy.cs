using Switchboard.Retries;

namespace Switchboard;

/// <summary>
/// Immediate retries (in process, at once), then delayed retries (back through the transport, with
/// exponential back-off and jitter), then the dead-letter queue.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Retries made at once, in process, after the first attempt fails. Default 2.</summary>
    public int ImmediateRetries { get; init; } = 2;

    /// <summary>Rounds of delayed retry after the immediate retries are spent. Default 3.</summary>
    public int DelayedRetries { get; init; } = 3;

    /// <summary>Delay before the first delayed retry; each further one doubles it. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of one delay. Default 5 minutes.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Each delay is randomly shortened or lengthened by up to this fraction. Default 0.2.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Exceptions for which retrying cannot help: the message goes straight to the dead-letter queue.</summary>
    public Func<Exception, bool> IsPermanent { get; init; } = static _ => false;

    /// <summary>No retries at all: the first failure dead-letters.</summary>
    public static RetryPolicy None { get; } = new() { ImmediateRetries = 0, DelayedRetries = 0 };

    /// <summary>The delay before delayed retry number <paramref name="round"/> (1-based).</summary>
    public TimeSpan DelayFor(int round) => new Backoff(BaseDelay, MaxDelay, Jitter).DelayFor(round);
}
