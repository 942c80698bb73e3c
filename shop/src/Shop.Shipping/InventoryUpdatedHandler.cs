using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>
/// Creates the order's shipment and publishes <see cref="OrderShipped"/>, once per order, unless its fate is decided
/// already (shipped, or cancelled first) or its ship-by deadline has passed (from then on the Order Service cancels it:
/// a shipment now would race that cancellation and lose). It reads committed state first (nothing decided yet, the
/// address known) and records the shipment as the order's decision, expecting to insert it: a concurrent copy that
/// shipped it, or a cancellation recorded meanwhile, holds that row, so this unit of work is a conflict and the rerun
/// sees it and does nothing.
/// </summary>
internal sealed partial class InventoryUpdatedHandler(ISqlUnitOfWork unitOfWork, ShopDatabase database, TimeProvider time, ILogger<InventoryUpdatedHandler> logger) : IMessageHandler<InventoryUpdated>
{
    public async ValueTask HandleAsync(InventoryUpdated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString();
        var now = time.GetUtcNow();
        var decision = await database.ScalarAsync(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM shipping_decisions WHERE order_id = @p0) THEN 'decided' " +
            "WHEN NOT EXISTS (SELECT 1 FROM shipping_orders WHERE order_id = @p0) THEN NULL " +
            "WHEN (SELECT ship_by FROM shipping_orders WHERE order_id = @p0) <= @p1 THEN 'late' " +
            "ELSE 'ship' END",
            [orderId, now.ToUnixTimeMilliseconds()],
            cancellationToken);
        switch (decision)
        {
            case "decided":
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
                "INSERT INTO shipping_decisions (order_id, outcome, shipment_id, tracking_number, reason, decided, updated) " +
                "VALUES (@p0, @p1, @p2, @p3, NULL, @p4, @p4) ON CONFLICT (order_id) DO NOTHING",
                orderId,
                ShippingSchema.Shipped,
                shipment.ShipmentId,
                shipment.TrackingNumber,
                now.ToUnixTimeMilliseconds()) { ExpectedRows = 1 },
            cancellationToken);
        await context.PublishAsync(shipment, cancellationToken: cancellationToken);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Order {OrderId} is past its ship-by deadline: not shipped (the Order Service cancels it)")]
    private static partial void LogPastDeadline(ILogger logger, Guid orderId);
}
