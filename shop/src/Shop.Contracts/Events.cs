namespace Shop.Contracts;

/// <summary>One line of an order: a catalog SKU, how many, and the unit price the order was placed at.</summary>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Where an order is shipped.</summary>
public sealed record ShippingAddress(string Name, string Line1, string? Line2, string City, string PostalCode, string Country);

/// <summary>
/// An order was placed and accepted (Order Service). <paramref name="PaymentToken"/> is the payment gateway's token
/// from client-side tokenization (e.g. <c>tok_visa</c>): no card number ever reaches Shop. <paramref name="ShipBy"/> is
/// the moment from which the Order Service cancels the order if it has not heard of its shipment: Shipping creates no
/// shipment from then on (null in events published before it was carried: no deadline).
/// </summary>
public sealed record OrderCreated(
    Guid OrderId,
    string CustomerId,
    string Email,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    string Currency,
    string PaymentToken,
    ShippingAddress ShippingAddress,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ShipBy = null);

/// <summary>The order's amount was charged (Payment Service). <paramref name="Lines"/> are carried for Inventory.</summary>
public sealed record PaymentProcessed(Guid OrderId, string PaymentId, decimal Amount, string Currency, IReadOnlyList<OrderLine> Lines, DateTimeOffset ProcessedAt);

/// <summary>The charge was declined or kept failing (Payment Service); nothing was charged.</summary>
public sealed record PaymentFailed(Guid OrderId, string Reason, DateTimeOffset FailedAt);

/// <summary>A charge was refunded (Payment Service), once per charged order that failed or was cancelled.</summary>
public sealed record PaymentRefunded(Guid OrderId, string PaymentId, decimal Amount, string Currency, string Reason, DateTimeOffset RefundedAt);

/// <summary>Every line of the order was reserved, all at once (Inventory Service).</summary>
public sealed record InventoryUpdated(Guid OrderId, IReadOnlyList<OrderLine> Lines, DateTimeOffset ReservedAt);

/// <summary>The order could not be reserved (Inventory Service): nothing was reserved. <paramref name="Reason"/> names the SKU(s).</summary>
public sealed record InventoryUpdateFailed(Guid OrderId, string Reason, DateTimeOffset FailedAt);

/// <summary>A shipment was created for the order (Shipping Service).</summary>
public sealed record OrderShipped(Guid OrderId, string ShipmentId, string TrackingNumber, DateTimeOffset ShippedAt);

/// <summary>
/// A shipment was voided before it left (Shipping Service): the order was cancelled after Shipping had created it,
/// so the cancellation wins and the goods stay (Inventory releases them on <see cref="OrderCancelled"/>).
/// </summary>
public sealed record ShipmentCancelled(Guid OrderId, string ShipmentId, string Reason, DateTimeOffset CancelledAt);

/// <summary>The order reached its terminal state Completed (Order Service, on <see cref="OrderShipped"/>).</summary>
public sealed record OrderCompleted(Guid OrderId, DateTimeOffset CompletedAt);

/// <summary>The order reached its terminal state Failed (Order Service, on a payment or inventory failure).</summary>
public sealed record OrderFailed(Guid OrderId, string Reason, DateTimeOffset FailedAt);

/// <summary>
/// The order reached its terminal state Cancelled (Order Service): it was stuck past the configured timeout. Payment
/// refunds it if it was charged; Inventory releases what it reserved for it; Shipping ships nothing for it any more and
/// voids a shipment it created before it heard of the cancellation (<see cref="ShipmentCancelled"/>).
/// </summary>
public sealed record OrderCancelled(Guid OrderId, string Reason, DateTimeOffset CancelledAt);
