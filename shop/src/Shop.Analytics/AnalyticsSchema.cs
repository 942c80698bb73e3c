namespace Shop.Analytics;

/// <summary>The Analytics service's table, created at start-up by <c>AddShopTables</c>.</summary>
internal static class AnalyticsSchema
{
    /// <summary>
    /// One row per order and event kind (the key that makes each event count once, even when a producer published it
    /// twice under two message ids): the event's time, its amount in cents (payments, refunds) and its reason (failures).
    /// </summary>
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS analytics_facts (
            order_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount_cents BIGINT NOT NULL,
            reason TEXT NOT NULL,
            at_ms BIGINT NOT NULL,
            PRIMARY KEY (order_id, kind));
        CREATE INDEX IF NOT EXISTS analytics_facts_kind ON analytics_facts (kind, at_ms)
        """;
}
