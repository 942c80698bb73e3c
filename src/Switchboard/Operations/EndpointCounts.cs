namespace Switchboard.Operations;

/// <summary>An endpoint's counts in this process since it started, and over the last minute.</summary>
/// <param name="InFlight">Deliveries in its pipeline now.</param>
/// <param name="Handled">Messages handled.</param>
/// <param name="FailedAttempts">Handling attempts that threw (a message retried twice then handled counts two).</param>
/// <param name="Deferred">Deliveries put back for a delayed retry.</param>
/// <param name="DeadLettered">Messages moved to the dead-letter queue.</param>
/// <param name="HandledLastMinute">Messages handled in the last minute.</param>
/// <param name="FailedLastMinute">Failed attempts in the last minute.</param>
/// <param name="DeadLetteredLastMinute">Messages dead-lettered in the last minute.</param>
public sealed record EndpointCounts(
    long InFlight,
    long Handled,
    long FailedAttempts,
    long Deferred,
    long DeadLettered,
    long HandledLastMinute,
    long FailedLastMinute,
    long DeadLetteredLastMinute);
