namespace Switchboard.EventSourcing.Subscriptions;

/// <summary>Events a subscription hands to its handler at once, in global order.</summary>
/// <param name="Events">The events; never empty.</param>
/// <param name="Transaction">
/// With <see cref="CheckpointMode.InTransaction"/>, the store transaction the checkpoint commits in (an
/// <see cref="ISqlEventStoreTransaction"/> when the store is an <see cref="ISqlEventStore"/>); otherwise null.
/// </param>
public sealed record EventBatch(IReadOnlyList<RecordedEvent> Events, IEventStoreTransaction? Transaction);
