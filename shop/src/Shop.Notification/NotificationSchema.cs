namespace Shop.Notification;

/// <summary>The Notification service's tables, created at start-up by <c>AddShopTables</c>.</summary>
internal static class NotificationSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS notification_customers (
            order_id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            email TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS notification_mailbox (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            order_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            email TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS notification_mailbox_customer ON notification_mailbox (customer_id, created)
        """;
}
