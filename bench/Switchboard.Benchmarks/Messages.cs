namespace Switchboard.Benchmarks;

/// <summary>The command of the <c>competing</c> scenario. <see cref="Amount"/> is the item's sequence number.</summary>
public sealed record OrderPlaced(Guid OrderId, decimal Amount);

/// <summary>The event of the <c>fanout</c> scenario. <see cref="Amount"/> is the item's sequence number.</summary>
public sealed record OrderCreated(Guid OrderId, decimal Amount);
