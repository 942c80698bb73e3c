namespace Switchboard.Retries;

/// <summary>
/// Capped exponential back-off, optionally jittered: the one delay computation of Switchboard's retry loops (delayed
/// message retries, the start-up loop, event subscriptions, the audit writer, the outbox's dispatch attempts, the
/// PostgreSQL <c>LISTEN</c> reconnect). Attempt <c>n</c> (1-based) waits <see cref="First"/> × 2<sup>n−1</sup>, at most
/// <see cref="Max"/>, then randomly shortened or lengthened by up to <see cref="Jitter"/> of that.
/// </summary>
/// <param name="First">The delay before the first retry.</param>
/// <param name="Max">The longest delay, before jitter.</param>
/// <param name="Jitter">The fraction (0 to 1) by which each delay is randomly shortened or lengthened; 0 for none.</param>
public readonly record struct Backoff(TimeSpan First, TimeSpan Max, double Jitter = 0)
{
    /// <summary>The delay before retry number <paramref name="attempt"/> (1-based; anything lower counts as 1).</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var exponential = First.Ticks * Math.Pow(2, Math.Clamp(attempt - 1, 0, 62));
        var capped = Math.Min(exponential, Max.Ticks);
        var factor = Jitter == 0 ? 1 : 1 + ((Random.Shared.NextDouble() * 2) - 1) * Jitter;
        return TimeSpan.FromTicks((long)Math.Max(0, capped * factor));
    }
}
