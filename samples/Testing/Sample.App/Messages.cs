namespace Sample.App;

/// <summary>A command: place an order.</summary>
public sealed record PlaceOrder(Guid OrderId, string Customer, decimal Amount);

/// <summary>An event: the order was placed.</summary>
public sealed record OrderPlaced(Guid OrderId, string Customer, decimal Amount);

/// <summary>An event: the customer paid.</summary>
public sealed record PaymentReceived(Guid OrderId, decimal Amount);

/// <summary>An event: the order was not paid in time and is cancelled.</summary>
public sealed record OrderCancelled(Guid OrderId, string Reason);

/// <summary>The payment saga's timeout: the time to pay is over.</summary>
public sealed record PaymentDeadline(Guid OrderId);
