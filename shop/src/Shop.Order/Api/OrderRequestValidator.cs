using System.Text.RegularExpressions;
using Shop.Contracts;
using Shop.Http;

namespace Shop.Order.Api;

/// <summary>Checks a <c>POST /orders</c> body and names every bad field (keys as in the JSON: <c>lines[0].quantity</c>).</summary>
internal static partial class OrderRequestValidator
{
    public const int MaxQuantity = 100;
    public const int MaxIdempotencyKeyLength = 200;
    private const int MaxText = 200;

    public static Dictionary<string, string[]> Validate(PlaceOrderRequest request, string? idempotencyKey, int maxLines)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string error)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(error);
        }

        // Optional: the order is the token subject's; a customerId in the body must name the same customer.
        if (request.CustomerId is { } customerId && !CustomerIds.IsValid(customerId.Trim()))
        {
            Add("customerId", CustomerIds.Rule);
        }

        if (Required(request.Email, "email", Add) && !EmailPattern().IsMatch(request.Email!))
        {
            Add("email", "The email address is not valid.");
        }

        ValidateLines(request.Lines, maxLines, Add);
        ValidateToken(request.PaymentToken, Add);
        if (request.ShippingAddress is not { } address)
        {
            Add("shippingAddress", "The shipping address is required.");
        }
        else
        {
            Required(address.Name, "shippingAddress.name", Add);
            Required(address.Line1, "shippingAddress.line1", Add);
            if (address.Line2 is { Length: > MaxText })
            {
                Add("shippingAddress.line2", $"At most {MaxText} characters.");
            }

            Required(address.City, "shippingAddress.city", Add);
            Required(address.PostalCode, "shippingAddress.postalCode", Add);
            Required(address.Country, "shippingAddress.country", Add);
        }

        if (idempotencyKey is not null && (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > MaxIdempotencyKeyLength))
        {
            Add("Idempotency-Key", $"The Idempotency-Key header must have 1 to {MaxIdempotencyKeyLength} characters.");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="value"/> contains a run of 12 or more digits (spaces and dashes between them allowed): a card number.</summary>
    public static bool LooksLikeCardNumber(string value) => CardNumberPattern().IsMatch(value);

    private static void ValidateLines(IReadOnlyList<PlaceOrderLine?>? lines, int maxLines, Action<string, string> add)
    {
        if (lines is null || lines.Count == 0)
        {
            add("lines", "An order needs at least one line.");
            return;
        }

        if (lines.Count > maxLines)
        {
            add("lines", $"An order has at most {maxLines} lines.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < lines.Count; index++)
        {
            var prefix = $"lines[{index}]";
            if (lines[index] is not { } line)
            {
                add(prefix, "The line is empty.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(line.Sku))
            {
                add(prefix + ".sku", "The SKU is required.");
            }
            else if (Catalog.Find(line.Sku) is null)
            {
                add(prefix + ".sku", $"Unknown SKU '{Truncate(line.Sku)}'.");
            }
            else if (!seen.Add(line.Sku))
            {
                add(prefix + ".sku", $"SKU '{line.Sku}' is on more than one line; put the whole quantity on one line.");
            }

            if (line.Quantity is not { } quantity)
            {
                add(prefix + ".quantity", "The quantity is required.");
            }
            else if (quantity is < 1 or > MaxQuantity)
            {
                add(prefix + ".quantity", $"The quantity must be between 1 and {MaxQuantity}.");
            }
        }
    }

    private static void ValidateToken(string? token, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            add("paymentToken", "The payment token is required.");
        }
        else if (LooksLikeCardNumber(token))
        {
            // Never echo it back: the value is card data and must not be logged, stored or returned.
            add("paymentToken", "This looks like a card number. Card data must never be sent to Shop: tokenize the card with the payment gateway and send its token (tok_…).");
        }
        else if (!TokenPattern().IsMatch(token))
        {
            add("paymentToken", "The payment token must be the payment gateway's token: 'tok_' followed by letters, digits or '_'.");
        }
    }

    private static bool Required(string? value, string field, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            add(field, "The field is required.");
            return false;
        }

        if (value.Length > MaxText)
        {
            add(field, $"At most {MaxText} characters.");
            return false;
        }

        return true;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^tok_[A-Za-z0-9_]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"(?:\d[ -]?){11,}\d", RegexOptions.CultureInvariant)]
    private static partial Regex CardNumberPattern();
}
