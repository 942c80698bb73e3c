using Shop.Infrastructure;

namespace Shop.Shipping;

/// <summary>The Shipping service's tables, created at start-up by <c>AddShopTables</c>.</summary>
internal static class ShippingSchema
{
    /// <summary>
    /// <c>shipping_orders</c>: each order's address and ship-by deadline (from <c>OrderCreated</c>);
    /// <c>shipping_shipments</c>: the shipments created; <c>shipping_cancellations</c>: orders Shipping learned were
    /// cancelled, with the shipment it voided for them, if it had created one. One row per order in each, so that a
    /// shipment and a cancellation of one order are decided once, whichever comes first.
    /// </summary>
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS shipping_orders (
            order_id TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            created BIGINT NOT NULL,
            ship_by BIGINT NULL);
        CREATE TABLE IF NOT EXISTS shipping_shipments (
            order_id TEXT PRIMARY KEY,
            shipment_id TEXT NOT NULL,
            tracking_number TEXT NOT NULL,
            created BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS shipping_cancellations (
            order_id TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            voided_shipment_id TEXT NULL,
            created BIGINT NOT NULL)
        """;

    /// <summary>Columns added to tables that an earlier version created.</summary>
    public static IReadOnlyList<AddedColumn> AddedColumns { get; } = [new("shipping_orders", "ship_by", "BIGINT NULL")];
}
