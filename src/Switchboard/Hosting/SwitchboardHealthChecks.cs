namespace Switchboard.Hosting;

/// <summary>
/// The health checks Switchboard and its providers register (<c>Microsoft.Extensions.Diagnostics.HealthChecks</c>):
/// the bus (<see cref="Bus"/>), event sourcing (<see cref="EventSourcing"/>), and each provider's own (e.g. whether a
/// PostgreSQL store can reach its database). Each carries the tags <see cref="Tag"/> and <see cref="ReadyTag"/>, so a
/// readiness endpoint maps them with one predicate: <c>app.MapHealthChecks("/health/ready", new() { Predicate = c =&gt;
/// c.Tags.Contains(SwitchboardHealthChecks.ReadyTag) })</c>.
/// </summary>
public static class SwitchboardHealthChecks
{
    /// <summary>The tag of every Switchboard health check.</summary>
    public const string Tag = "switchboard";

    /// <summary>The tag of the checks that say whether the process is ready for work (all of Switchboard's).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Healthy when the bus is connected to its broker and its endpoints consume.</summary>
    public const string Bus = "switchboard-bus";

    /// <summary>Healthy when the event store is initialized and every projection and subscription runs.</summary>
    public const string EventSourcing = "switchboard-event-sourcing";

    /// <summary>The tags of every Switchboard health check.</summary>
    public static IReadOnlyList<string> Tags { get; } = [Tag, ReadyTag];
}
