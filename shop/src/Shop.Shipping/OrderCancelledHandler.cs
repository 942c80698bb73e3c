using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>
/// Makes a cancellation win over the shipment, once per order. Not shipped yet: the cancellation is recorded, and a
/// later <see cref="InventoryUpdated"/> ships nothing. Already shipped (Shipping created the shipment before it heard of
/// the cancellation): the shipment is voided before it leaves and <see cref="ShipmentCancelled"/> is published. The
/// record expects one row and, when nothing was shipped, no shipment at the commit: a shipment or another copy that
/// committed meanwhile makes the unit of work a conflict, and the rerun decides again.
/// </summary>
internal sealed class OrderCancelledHandler(IUnitOfWork unitOfWork, ShopDatabase database, TimeProvider time) : IMessageHandler<OrderCancelled>
{
    public async ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString();
        var (cancelled, shipmentId) = await ReadAsync(orderId, cancellationToken);
        if (cancelled)
        {
            return;
        }

        var now = time.GetUtcNow();
        var insert = "INSERT INTO shipping_cancellations (order_id, reason, voided_shipment_id, created) SELECT @p0, @p1, @p2, @p3 " +
            (shipmentId is null ? "WHERE NOT EXISTS (SELECT 1 FROM shipping_shipments WHERE order_id = @p0) " : "WHERE TRUE ") +
            "ON CONFLICT (order_id) DO NOTHING";
        await unitOfWork.EnlistWriteAsync(new StoreWrite(insert, orderId, message.Reason, shipmentId, now.ToUnixTimeMilliseconds()) { ExpectedRows = 1 }, cancellationToken);
        if (shipmentId is not null)
        {
            await context.PublishAsync(new ShipmentCancelled(message.OrderId, shipmentId, message.Reason, now), cancellationToken: cancellationToken);
        }
    }

    // Whether the cancellation is recorded already, and the order's shipment, if any (committed state).
    private async Task<(bool Cancelled, string? ShipmentId)> ReadAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var read = connection.Command(
            null,
            "SELECT EXISTS (SELECT 1 FROM shipping_cancellations WHERE order_id = @p0), (SELECT shipment_id FROM shipping_shipments WHERE order_id = @p0)",
            orderId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Convert.ToBoolean(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
