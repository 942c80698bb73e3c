namespace Shop.Inventory;

/// <summary>The status of a row of <c>inventory_reservations</c>.</summary>
internal static class InventoryStatus
{
    /// <summary>Every line is reserved.</summary>
    public const string Reserved = "reserved";

    /// <summary>The reservation was given back (the order was cancelled).</summary>
    public const string Released = "released";

    /// <summary>Nothing was reserved (out of stock, unknown SKU, invalid lines).</summary>
    public const string Failed = "failed";

    /// <summary>The order was cancelled before it was paid: it is never reserved.</summary>
    public const string Cancelled = "cancelled";
}
