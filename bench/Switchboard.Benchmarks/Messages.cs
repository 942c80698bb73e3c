namespace Switchboard.Benchmarks;

/// <summary>The command of the <c>competing</c> scenario. <see cref="Amount"/> is the item's sequence number.</summary>
public sealed record OrderPlaced(Guid OrderId, decimal Amount);

/// <summary>The event of the <c>fanout</c> scenario. <see cref="Amount"/> is the item's sequence number.</summary>
public sealed record OrderCreated(Guid OrderId, decimal Amount);

/// <summary>The <c>saga</c> scenario's start: published by the producer. <see cref="Amount"/> is the order's sequence number, as in every saga message.</summary>
public sealed record OrderSubmitted(Guid OrderId, decimal Amount);

/// <summary>Saga → payment.</summary>
public sealed record CapturePayment(Guid OrderId, decimal Amount);

/// <summary>Payment's reply to <see cref="CapturePayment"/>, published.</summary>
public sealed record PaymentCaptured(Guid OrderId, decimal Amount);

/// <summary>Saga → inventory.</summary>
public sealed record ReserveStock(Guid OrderId, decimal Amount);

/// <summary>Inventory's reply to <see cref="ReserveStock"/>, published, for every order whose number % 50 is not 49.</summary>
public sealed record StockReserved(Guid OrderId, decimal Amount);

/// <summary>Inventory's reply to <see cref="ReserveStock"/>, published, for every order whose number % 50 == 49.</summary>
public sealed record StockReservationFailed(Guid OrderId, decimal Amount);

/// <summary>Saga → shipping.</summary>
public sealed record ShipOrder(Guid OrderId, decimal Amount);

/// <summary>Shipping's reply to <see cref="ShipOrder"/>, published.</summary>
public sealed record OrderShipped(Guid OrderId, decimal Amount);

/// <summary>Saga → payment, after <see cref="StockReservationFailed"/>.</summary>
public sealed record RefundPayment(Guid OrderId, decimal Amount);

/// <summary>Payment's reply to <see cref="RefundPayment"/>, published.</summary>
public sealed record PaymentRefunded(Guid OrderId, decimal Amount);

/// <summary>
/// The command of the <c>ordered</c> scenario. <see cref="Amount"/> is the item's sequence number; <see cref="Key"/> is its
/// ordering key, the sequence number % 1,000.
/// </summary>
public sealed record KeyedOrderPlaced(Guid OrderId, decimal Amount, int Key);
