using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>
/// Creates the order's shipment and publishes <see cref="OrderShipped"/>, once per order. It reads committed state
/// first (no shipment yet, the address known) and inserts the shipment expecting one row: a concurrent copy that
/// shipped it meanwhile makes this unit of work a conflict, and the rerun finds the shipment and does nothing.
/// </summary>
internal sealed class InventoryUpdatedHandler(IUnitOfWork unitOfWork, ShopDatabase database, TimeProvider time) : IMessageHandler<InventoryUpdated>
{
    public async ValueTask HandleAsync(InventoryUpdated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString();
        var known = await database.ScalarAsync(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM shipping_shipments WHERE order_id = @p0) THEN 'shipped' " +
            "WHEN EXISTS (SELECT 1 FROM shipping_orders WHERE order_id = @p0) THEN 'address' END",
            [orderId],
            cancellationToken);
        if (known is "shipped")
        {
            return;
        }

        if (known is null)
        {
            throw new AddressNotYetKnownException(message.OrderId);
        }

        var shippedAt = time.GetUtcNow();
        var shipment = new OrderShipped(message.OrderId, Tracking.ShipmentId(message.OrderId), Tracking.TrackingNumber(message.OrderId), shippedAt);
        await unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "INSERT INTO shipping_shipments (order_id, shipment_id, tracking_number, created) VALUES (@p0, @p1, @p2, @p3) ON CONFLICT (order_id) DO NOTHING",
                orderId,
                shipment.ShipmentId,
                shipment.TrackingNumber,
                shippedAt.ToUnixTimeMilliseconds()) { ExpectedRows = 1 },
            cancellationToken);
        await context.PublishAsync(shipment, cancellationToken: cancellationToken);
    }
}
