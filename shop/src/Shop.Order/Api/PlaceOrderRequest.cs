using System.ComponentModel.DataAnnotations;
using Shop.Order.Api.Validation;

namespace Shop.Order.Api;

// The body of POST /orders as the client sent it: everything nullable, so that a missing field is a validation error
// naming it rather than a JSON error. The framework binds it (strict JSON, ShopJson) and validates it with these
// attributes (AddValidation in AddOrderService) before PlaceAsync runs; each error is keyed by its JSON path
// (lines[0].quantity, ShopProblemDetails). Surrounding whitespace counts as nothing for a required text and is trimmed
// when the order is placed. The types are public because the validation source generator describes public types only.

/// <summary>The body of <c>POST /orders</c>.</summary>
/// <param name="CustomerId">Optional; when present, the token's subject.</param>
/// <param name="Email">Where notifications go.</param>
/// <param name="Lines">One line per SKU.</param>
/// <param name="PaymentToken">The payment gateway's token (<c>tok_…</c>), never card data.</param>
/// <param name="ShippingAddress">Where the order is shipped.</param>
public sealed record PlaceOrderRequest(
    [property: CustomerId]
    string? CustomerId,
    [property: Required(ErrorMessage = OrderLimits.FieldRequired)]
    [property: MaxLength(OrderLimits.MaxText, ErrorMessage = OrderLimits.TooLong)]
    [property: RegularExpression(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", ErrorMessage = "The email address is not valid.")]
    string? Email,
    [property: Required(ErrorMessage = OrderLimits.NoLines)]
    [property: MinLength(1, ErrorMessage = OrderLimits.NoLines)]
    [property: MaxOrderLines]
    [property: NoEmptyLines]
    [property: OneLinePerSku]
    IReadOnlyList<PlaceOrderLine?>? Lines,
    [property: Required(ErrorMessage = "The payment token is required.")]
    [property: PaymentToken]
    string? PaymentToken,
    [property: Required(ErrorMessage = "The shipping address is required.")]
    PlaceOrderAddress? ShippingAddress);

/// <summary>A line of <see cref="PlaceOrderRequest"/>.</summary>
/// <param name="Sku">A SKU of the catalog.</param>
/// <param name="Quantity">1 to 100.</param>
public sealed record PlaceOrderLine(
    [property: Required(ErrorMessage = "The SKU is required.")]
    [property: KnownSku]
    string? Sku,
    [property: Required(ErrorMessage = "The quantity is required.")]
    [property: Range(1, OrderLimits.MaxQuantity, ErrorMessage = "The quantity must be between {1} and {2}.")]
    int? Quantity);

/// <summary>The shipping address of <see cref="PlaceOrderRequest"/>.</summary>
/// <param name="Name">The recipient.</param>
/// <param name="Line1">The first address line.</param>
/// <param name="Line2">An optional second address line.</param>
/// <param name="City">The city.</param>
/// <param name="PostalCode">The postal code.</param>
/// <param name="Country">The country.</param>
public sealed record PlaceOrderAddress(
    [property: Required(ErrorMessage = OrderLimits.FieldRequired)]
    [property: MaxLength(OrderLimits.MaxText, ErrorMessage = OrderLimits.TooLong)]
    string? Name,
    [property: Required(ErrorMessage = OrderLimits.FieldRequired)]
    [property: MaxLength(OrderLimits.MaxText, ErrorMessage = OrderLimits.TooLong)]
    string? Line1,
    [property: MaxLength(OrderLimits.MaxText, ErrorMessage = OrderLimits.TooLong)]
    string? Line2,
    [property: Required(ErrorMessage = OrderLimits.FieldRequired)]
    [property: MaxLength(OrderLimits.MaxText, ErrorMessage = OrderLimits.TooLong)]
    string? City,
    [property: Required(ErrorMessage = OrderLimits.FieldRequired)]
    [property: MaxLength(OrderLimits.MaxText, ErrorMessage = OrderLimits.TooLong)]
    string? PostalCode,
    [property: Required(ErrorMessage = OrderLimits.FieldRequired)]
    [property: MaxLength(OrderLimits.MaxText, ErrorMessage = OrderLimits.TooLong)]
    string? Country);
