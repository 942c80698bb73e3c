namespace Shop.Order.Api;

// The body of POST /orders as the client sent it: everything nullable, so that a missing field is a validation error
// naming it rather than a JSON error.

internal sealed record PlaceOrderRequest(
    string? CustomerId,
    string? Email,
    IReadOnlyList<PlaceOrderLine?>? Lines,
    string? PaymentToken,
    PlaceOrderAddress? ShippingAddress);

internal sealed record PlaceOrderLine(string? Sku, int? Quantity);

internal sealed record PlaceOrderAddress(string? Name, string? Line1, string? Line2, string? City, string? PostalCode, string? Country);
