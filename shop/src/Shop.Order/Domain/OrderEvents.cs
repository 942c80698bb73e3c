using Shop.Contracts;

namespace Shop.Order.Domain;

// The order stream's own events: what happened to the order, as the Order Service records it. They never leave the
// service (the public contract events it appends next to them are what other services see).

/// <summary>The order was accepted: its lines (priced from the catalog), total and where it goes.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="CustomerId">Who placed it.</param>
/// <param name="Email">Where notifications go.</param>
/// <param name="Lines">What was ordered, at which unit prices.</param>
/// <param name="Total">The sum of the lines.</param>
/// <param name="Currency">The currency of the prices.</param>
/// <param name="ShippingAddress">Where it is shipped.</param>
/// <param name="IdempotencyKey">The client's <c>Idempotency-Key</c>, if it sent one.</param>
/// <param name="PlacedAt">When the order was accepted.</param>
/// <param name="RequestFingerprint">
/// SHA-256 (hex) of the validated request (<c>OrderRequestFingerprint</c>), to refuse its <c>Idempotency-Key</c> reused
/// with a different request; null in events stored before it was recorded, which then match any request.
/// </param>
public sealed record OrderPlaced(
    Guid OrderId,
    string CustomerId,
    string Email,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    string Currency,
    ShippingAddress ShippingAddress,
    string? IdempotencyKey,
    DateTimeOffset PlacedAt,
    string? RequestFingerprint = null);

/// <summary>Payment charged the order (milestone).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="PaymentId">Payment's id of the charge.</param>
/// <param name="Amount">The amount charged.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="PaidAt">When it was charged.</param>
public sealed record OrderMarkedPaid(Guid OrderId, string PaymentId, decimal Amount, string Currency, DateTimeOffset PaidAt);

/// <summary>Inventory reserved every line of the order (milestone).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="ReservedAt">When the stock was reserved.</param>
public sealed record OrderMarkedReserved(Guid OrderId, DateTimeOffset ReservedAt);

/// <summary>Shipping created the order's shipment (milestone).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="ShipmentId">Shipping's id of the shipment.</param>
/// <param name="TrackingNumber">The carrier's tracking number.</param>
/// <param name="ShippedAt">When it was shipped.</param>
public sealed record OrderMarkedShipped(Guid OrderId, string ShipmentId, string TrackingNumber, DateTimeOffset ShippedAt);

/// <summary>The order reached its terminal state Completed.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="CompletedAt">When.</param>
public sealed record OrderMarkedCompleted(Guid OrderId, DateTimeOffset CompletedAt);

/// <summary>The order reached its terminal state Failed.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Reason">Why (payment declined, out of stock, …).</param>
/// <param name="FailedAt">When.</param>
/// <param name="AfterCharge">Whether the order had been charged (it failed at Inventory), so that Payment's milestone is still to come if it has not been recorded; false in events stored before this was recorded.</param>
public sealed record OrderMarkedFailed(Guid OrderId, string Reason, DateTimeOffset FailedAt, bool AfterCharge = false);

/// <summary>The order reached its terminal state Cancelled.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Reason">Why (stuck past the timeout).</param>
/// <param name="CancelledAt">When.</param>
public sealed record OrderMarkedCancelled(Guid OrderId, string Reason, DateTimeOffset CancelledAt);

/// <summary>Payment refunded the order's charge (milestone; it may come after the terminal state).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="PaymentId">Payment's id of the charge.</param>
/// <param name="Amount">The amount refunded.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="Reason">Why it was refunded.</param>
/// <param name="RefundedAt">When.</param>
public sealed record OrderMarkedRefunded(Guid OrderId, string PaymentId, decimal Amount, string Currency, string Reason, DateTimeOffset RefundedAt);

/// <summary>Shipping voided the order's shipment because the order had been cancelled (milestone after the terminal state).</summary>
/// <param name="OrderId">The order.</param>
/// <param name="ShipmentId">Shipping's id of the voided shipment.</param>
/// <param name="Reason">Why (the cancellation's reason).</param>
/// <param name="CancelledAt">When it was voided.</param>
public sealed record OrderMarkedShipmentCancelled(Guid OrderId, string ShipmentId, string Reason, DateTimeOffset CancelledAt);

/// <summary>
/// A customer's <c>Idempotency-Key</c> was first used, for the order <paramref name="OrderId"/>: the one event of the key's
/// stream (<c>OrderKeys</c>), so that every request under the key names that order.
/// </summary>
/// <param name="OrderId">The order the key names.</param>
/// <param name="UsedAt">When the key was first used.</param>
public sealed record OrderKeyUsed(Guid OrderId, DateTimeOffset UsedAt);
