using Shop.Contracts;

namespace Shop.Order.Domain;

/// <summary>The command to place an order, already validated and priced.</summary>
/// <param name="OrderId">The new order's id.</param>
/// <param name="CustomerId">Who places it.</param>
/// <param name="Email">Where notifications go.</param>
/// <param name="Lines">The priced lines.</param>
/// <param name="PaymentToken">The payment gateway's token (never card data).</param>
/// <param name="ShippingAddress">Where it is shipped.</param>
/// <param name="IdempotencyKey">The client's <c>Idempotency-Key</c>, if any.</param>
/// <param name="At">When it is placed.</param>
/// <param name="ShipBy">When the order is cancelled unless it has been shipped (<c>At</c> plus the stuck-order timeout).</param>
public sealed record PlaceOrder(
    Guid OrderId,
    string CustomerId,
    string Email,
    IReadOnlyList<OrderLine> Lines,
    string PaymentToken,
    ShippingAddress ShippingAddress,
    string? IdempotencyKey,
    DateTimeOffset At,
    DateTimeOffset ShipBy);
