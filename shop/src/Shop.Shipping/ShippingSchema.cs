using Shop.Infrastructure;

namespace Shop.Shipping;

/// <summary>The Shipping service's tables, created at start-up by <c>AddShopTables</c>.</summary>
internal static class ShippingSchema
{
    /// <summary>
    /// <c>shipping_orders</c>: each order's address and ship-by deadline (from <c>OrderCreated</c>);
    /// <c>shipping_decisions</c>: what became of each order's shipment, one row per order whoever decides first:
    /// <c>shipped</c> (with the shipment), <c>cancelled</c> (the cancellation came first: nothing is shipped) or
    /// <c>voided</c> (shipped, then cancelled). One row, so that a shipment and a cancellation of one order conflict on
    /// its primary key in every database, whatever its isolation level.
    /// </summary>
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS shipping_orders (
            order_id TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            created BIGINT NOT NULL,
            ship_by BIGINT NULL);
        CREATE TABLE IF NOT EXISTS shipping_decisions (
            order_id TEXT PRIMARY KEY,
            outcome TEXT NOT NULL,
            shipment_id TEXT NULL,
            tracking_number TEXT NULL,
            reason TEXT NULL,
            decided BIGINT NOT NULL,
            updated BIGINT NOT NULL)
        """;

    /// <summary>A shipment was created.</summary>
    public const string Shipped = "shipped";

    /// <summary>The order was cancelled before a shipment was created: none will be.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The shipment was created, then voided because the order was cancelled.</summary>
    public const string Voided = "voided";

    /// <summary>Columns added to tables that an earlier version created.</summary>
    public static IReadOnlyList<AddedColumn> AddedColumns { get; } = [new("shipping_orders", "ship_by", "BIGINT NULL")];

    /// <summary>
    /// Moves the shipments an earlier version kept in <c>shipping_shipments</c> into <c>shipping_decisions</c> (once; the
    /// old table is renamed afterwards).
    /// </summary>
    public static Task MigrateAsync(ShopDatabase database, CancellationToken cancellationToken) =>
        database.SupersedeTableAsync(
            "shipping_shipments",
            $"INSERT INTO shipping_decisions (order_id, outcome, shipment_id, tracking_number, reason, decided, updated) " +
            $"SELECT order_id, '{Shipped}', shipment_id, tracking_number, NULL, created, created FROM shipping_shipments WHERE 1 = 1 " +
            "ON CONFLICT (order_id) DO NOTHING",
            cancellationToken);
}
