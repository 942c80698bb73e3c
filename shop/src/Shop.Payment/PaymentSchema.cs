namespace Shop.Payment;

/// <summary>The Payment service's tables, created at start-up by <c>AddShopTables</c>.</summary>
internal static class PaymentSchema
{
    // status: charged | declined (nothing charged; reason says why) | cancelled (the order was cancelled before it was charged: never charge it)
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS payment_charges (
            order_id TEXT NOT NULL PRIMARY KEY,
            charge_id TEXT NULL,
            amount_cents BIGINT NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NULL,
            created BIGINT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS payment_refunds (
            order_id TEXT NOT NULL PRIMARY KEY,
            refund_id TEXT NOT NULL,
            charge_id TEXT NOT NULL,
            amount_cents BIGINT NOT NULL,
            currency TEXT NOT NULL,
            reason TEXT NOT NULL,
            created BIGINT NOT NULL
        );
        """;
}
