namespace QuickStart;

// Messages are plain records. Each gets a stable wire name in Program.cs.
public sealed record PlaceOrder(Guid OrderId, string Customer, decimal Amount);

public sealed record OrderPlaced(Guid OrderId, string Customer, decimal Amount);

public sealed record ChargeCard(Guid OrderId, decimal Amount);
