namespace Switchboard.Hosting;

/// <summary>
/// The health checks Switchboard and its providers register (<c>Microsoft.Extensions.Diagnostics.HealthChecks</c>):
/// the bus (<see cref="Bus"/>), event sourcing (<see cref="EventSourcing"/>), and each provider's own (e.g. whether a
/// PostgreSQL store can reach its database), each tagged <see cref="Tag"/> and <see cref="ReadyTag"/>; and the flow checks
/// (<see cref="Outbox"/>, <see cref="DeadLetters"/>, <see cref="SubscriptionLag"/>), tagged <see cref="Tag"/> and
/// <see cref="FlowTag"/>, with thresholds (<see cref="Configuration.SwitchboardHealthOptions"/>). A readiness endpoint maps the first
/// with one predicate: <c>app.MapHealthChecks("/health/ready", new() { Predicate = c =&gt;
/// c.Tags.Contains(SwitchboardHealthChecks.ReadyTag) })</c>.
/// </summary>
public static class SwitchboardHealthChecks
{
    /// <summary>The tag of every Switchboard health check.</summary>
    public const string Tag = "switchboard";

    /// <summary>The tag of the checks that say whether the process is ready for work (bus, event sourcing, databases).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// The tag of the checks that say whether messages flow well once the process is ready (<see cref="Outbox"/>,
    /// <see cref="DeadLetters"/>, <see cref="SubscriptionLag"/>): Degraded or Unhealthy past their
    /// <see cref="Configuration.SwitchboardHealthOptions"/> thresholds, never a reason to take the process out of rotation.
    /// </summary>
    public const string FlowTag = "flow";

    /// <summary>Healthy when the bus is connected to its broker and its endpoints consume.</summary>
    public const string Bus = "switchboard-bus";

    /// <summary>Healthy when the event store is initialized and every projection and subscription runs.</summary>
    public const string EventSourcing = "switchboard-event-sourcing";

    /// <summary>Healthy while the outbox drains: its oldest pending message is young, none is quarantined.</summary>
    public const string Outbox = "switchboard-outbox";

    /// <summary>Healthy while this process's endpoints gain few dead letters within a window.</summary>
    public const string DeadLetters = "switchboard-dead-letters";

    /// <summary>Healthy while every subscription and projection keeps up with the event store.</summary>
    public const string SubscriptionLag = "switchboard-subscription-lag";

    /// <summary>The tags of Switchboard's readiness checks.</summary>
    public static IReadOnlyList<string> Tags { get; } = [Tag, ReadyTag];

    /// <summary>The tags of Switchboard's flow checks.</summary>
    public static IReadOnlyList<string> FlowTags { get; } = [Tag, FlowTag];
}
