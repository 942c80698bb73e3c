namespace Shop.Shipping;

/// <summary>The Shipping service's tables, created at start-up by <c>AddShopTables</c>.</summary>
internal static class ShippingSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS shipping_orders (
            order_id TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            created BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS shipping_shipments (
            order_id TEXT PRIMARY KEY,
            shipment_id TEXT NOT NULL,
            tracking_number TEXT NOT NULL,
            created BIGINT NOT NULL)
        """;
}
