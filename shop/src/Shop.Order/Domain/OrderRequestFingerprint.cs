using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shop.Order.Domain;

/// <summary>
/// What a client asked for when it placed an order, as a SHA-256 (lowercase hex) of a canonical form of the validated,
/// normalized <see cref="PlaceOrder"/>: customer, email, lines, payment token and shipping address. Stored in
/// <see cref="OrderPlaced.RequestFingerprint"/>, it tells a retry (same key, same request) from an
/// <c>Idempotency-Key</c> reused with a different request, without keeping the request itself.
/// </summary>
internal static class OrderRequestFingerprint
{
    // Changing the canonical form changes every fingerprint, and a retry of an order placed before would then be
    // refused: a new form needs a new version here and a comparison that understands both.
    private const string Version = "shop.order/request-fingerprint/v1";

    /// <summary>The fingerprint of <paramref name="command"/>.</summary>
    /// <remarks>
    /// Left out: the order id and the key (a retry has the same ones by construction), the time (a retry comes later),
    /// and the unit prices (the catalog's, not the client's). Lines are sorted by SKU (an order has one line per SKU),
    /// so the same lines in another order are the same request. Each value is length-prefixed, so no two different
    /// commands have the same canonical form.
    /// </remarks>
    public static string Of(PlaceOrder command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var canonical = new StringBuilder(Version).Append('\n');
        Field(canonical, command.CustomerId);
        Field(canonical, command.Email);
        Field(canonical, command.Lines.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var line in command.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            Field(canonical, line.Sku);
            Field(canonical, line.Quantity.ToString(CultureInfo.InvariantCulture));
        }

        Field(canonical, command.PaymentToken);
        var address = command.ShippingAddress;
        Field(canonical, address.Name);
        Field(canonical, address.Line1);
        Field(canonical, address.Line2);
        Field(canonical, address.City);
        Field(canonical, address.PostalCode);
        Field(canonical, address.Country);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    // "-" for null, "length:value" otherwise: absent and empty differ, and no value can run into the next.
    private static void Field(StringBuilder canonical, string? value)
    {
        if (value is null)
        {
            canonical.Append("-\n");
            return;
        }

        canonical.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
    }
}
