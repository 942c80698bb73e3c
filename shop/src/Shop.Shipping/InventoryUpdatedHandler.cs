using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>
/// Creates the order's shipment and publishes <see cref="OrderShipped"/>, once per order, unless the order was cancelled
/// or its ship-by deadline has passed (from then on the Order Service cancels it: a shipment now would race that
/// cancellation and lose). It reads committed state first (no shipment or cancellation yet, the address known) and
/// inserts the shipment expecting one row and no cancellation: a concurrent copy that shipped it, or a cancellation
/// that committed meanwhile, makes this unit of work a conflict, and the rerun sees it and does nothing.
/// </summary>
internal sealed partial class InventoryUpdatedHandler(IUnitOfWork unitOfWork, ShopDatabase database, TimeProvider time, ILogger<InventoryUpdatedHandler> logger) : IMessageHandler<InventoryUpdated>
{
    public async ValueTask HandleAsync(InventoryUpdated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString();
        var now = time.GetUtcNow();
        var decision = await database.ScalarAsync(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM shipping_cancellations WHERE order_id = @p0) THEN 'cancelled' " +
            "WHEN EXISTS (SELECT 1 FROM shipping_shipments WHERE order_id = @p0) THEN 'shipped' " +
            "WHEN NOT EXISTS (SELECT 1 FROM shipping_orders WHERE order_id = @p0) THEN NULL " +
            "WHEN (SELECT ship_by FROM shipping_orders WHERE order_id = @p0) <= @p1 THEN 'late' " +
            "ELSE 'ship' END",
            [orderId, now.ToUnixTimeMilliseconds()],
            cancellationToken);
        switch (decision)
        {
            case "cancelled" or "shipped":
                return;
            case null:
                throw new AddressNotYetKnownException(message.OrderId);
            case "late":
                LogPastDeadline(logger, message.OrderId);
                return;
        }

        var shipment = new OrderShipped(message.OrderId, Tracking.ShipmentId(message.OrderId), Tracking.TrackingNumber(message.OrderId), now);
        await unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "INSERT INTO shipping_shipments (order_id, shipment_id, tracking_number, created) SELECT @p0, @p1, @p2, @p3 " +
                "WHERE NOT EXISTS (SELECT 1 FROM shipping_cancellations WHERE order_id = @p0) ON CONFLICT (order_id) DO NOTHING",
                orderId,
                shipment.ShipmentId,
                shipment.TrackingNumber,
                now.ToUnixTimeMilliseconds()) { ExpectedRows = 1 },
            cancellationToken);
        await context.PublishAsync(shipment, cancellationToken: cancellationToken);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Order {OrderId} is past its ship-by deadline: not shipped (the Order Service cancels it)")]
    private static partial void LogPastDeadline(ILogger logger, Guid orderId);
}
