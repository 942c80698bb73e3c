using Switchboard.Messages;

namespace Switchboard.Persistence;

/// <summary>A message in the outbox.</summary>
/// <param name="Message">What to dispatch.</param>
/// <param name="CreatedAt">When its unit of work committed it.</param>
/// <param name="Attempts">Failed dispatch attempts so far.</param>
/// <param name="LastError">Why the last attempt failed.</param>
public sealed record OutboxEntry(OutgoingMessage Message, DateTimeOffset CreatedAt, int Attempts, string? LastError);

/// <summary>The outbox at a glance.</summary>
/// <param name="Pending">Messages waiting to be dispatched (not quarantined).</param>
/// <param name="OldestPendingAt">When the oldest of them was committed; null when there is none.</param>
/// <param name="Quarantined">Messages that failed too often and wait for an operator.</param>
public sealed record OutboxStatistics(long Pending, DateTimeOffset? OldestPendingAt, long Quarantined);
