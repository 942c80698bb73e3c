using Microsoft.Extensions.Hosting;
using Shop.Infrastructure;

namespace Shop.Shipping;

/// <summary>Creates the Shipping service's tables at start-up (before the bus consumes).</summary>
internal sealed class ShippingSchema(ShopDatabase database) : IHostedService
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

    public Task StartAsync(CancellationToken cancellationToken) => database.ExecuteAsync(Sql, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
