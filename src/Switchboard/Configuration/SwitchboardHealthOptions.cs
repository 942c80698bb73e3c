namespace Switchboard.Configuration;

/// <summary>
/// The thresholds of Switchboard's operational health checks (<see cref="Hosting.SwitchboardHealthChecks.Outbox"/>,
/// <see cref="Hosting.SwitchboardHealthChecks.DeadLetters"/>, <see cref="Hosting.SwitchboardHealthChecks.SubscriptionLag"/>): at the first
/// of each pair a check reports Degraded, at the second Unhealthy. Set with
/// <see cref="SwitchboardBuilder.ConfigureHealth"/>.
/// </summary>
public sealed record SwitchboardHealthOptions
{
    /// <summary>The outbox's oldest pending message is this old: Degraded (default 1 minute; the relay should have sent it).</summary>
    public TimeSpan OutboxDegradedAge { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The outbox's oldest pending message is this old: Unhealthy (default 10 minutes).</summary>
    public TimeSpan OutboxUnhealthyAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The window over which dead-letter growth is counted (default 15 minutes).</summary>
    public TimeSpan DeadLetterWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>This many new dead letters within the window, over this process's endpoints: Degraded (default 1).</summary>
    public long DeadLettersDegraded { get; init; } = 1;

    /// <summary>This many new dead letters within the window: Unhealthy (default 100).</summary>
    public long DeadLettersUnhealthy { get; init; } = 100;

    /// <summary>A subscription or projection this many events behind the store: Degraded (default 1,000).</summary>
    public long SubscriptionLagDegraded { get; init; } = 1_000;

    /// <summary>A subscription or projection this many events behind: Unhealthy (default 100,000).</summary>
    public long SubscriptionLagUnhealthy { get; init; } = 100_000;

    internal void Validate()
    {
        Pair(OutboxDegradedAge.Ticks, OutboxUnhealthyAge.Ticks, nameof(OutboxDegradedAge), nameof(OutboxUnhealthyAge));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DeadLetterWindow, TimeSpan.Zero, nameof(DeadLetterWindow));
        Pair(DeadLettersDegraded, DeadLettersUnhealthy, nameof(DeadLettersDegraded), nameof(DeadLettersUnhealthy));
        Pair(SubscriptionLagDegraded, SubscriptionLagUnhealthy, nameof(SubscriptionLagDegraded), nameof(SubscriptionLagUnhealthy));
    }

    /// <summary>Healthy below <paramref name="degraded"/>, Degraded below <paramref name="unhealthy"/>, Unhealthy from it.</summary>
    internal static Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus Grade(long value, long degraded, long unhealthy) =>
        value >= unhealthy ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy
        : value >= degraded ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded
        : Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;

    private static void Pair(long degraded, long unhealthy, string degradedName, string unhealthyName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degraded, 1, degradedName);
        if (unhealthy < degraded)
        {
            throw new ArgumentOutOfRangeException(unhealthyName, unhealthy, $"{unhealthyName} must be at least {degradedName} ({degraded}).");
        }
    }
}
