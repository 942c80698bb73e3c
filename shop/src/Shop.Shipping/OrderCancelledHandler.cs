using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>
/// Makes a cancellation win over the shipment, once per order. Nothing decided yet: the cancellation is recorded as
/// the order's decision, and a later <see cref="InventoryUpdated"/> ships nothing. Already shipped (Shipping created the
/// shipment before it heard of the cancellation): the shipment is voided before it leaves and
/// <see cref="ShipmentCancelled"/> is published. Either write expects one row (the insert finding none, the void
/// finding the shipment still standing): a shipment or another copy that committed meanwhile makes the unit of work a
/// conflict, and the rerun decides again on what is now there.
/// </summary>
internal sealed class OrderCancelledHandler(ISqlUnitOfWork unitOfWork, ShopDatabase database, TimeProvider time) : IMessageHandler<OrderCancelled>
{
    public async ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString();
        var (outcome, shipmentId) = await ReadAsync(orderId, cancellationToken);
        var now = time.GetUtcNow();
        switch (outcome)
        {
            case null:
                await unitOfWork.EnlistWriteAsync(
                    new StoreWrite(
                        "INSERT INTO shipping_decisions (order_id, outcome, shipment_id, tracking_number, reason, decided, updated) " +
                        "VALUES (@p0, @p1, NULL, NULL, @p2, @p3, @p3) ON CONFLICT (order_id) DO NOTHING",
                        orderId, ShippingSchema.Cancelled, message.Reason, now.ToUnixTimeMilliseconds()) { ExpectedRows = 1 },
                    cancellationToken);
                return;
            case ShippingSchema.Shipped:
                await unitOfWork.EnlistWriteAsync(
                    new StoreWrite(
                        "UPDATE shipping_decisions SET outcome = @p1, reason = @p2, updated = @p3 WHERE order_id = @p0 AND outcome = @p4",
                        orderId, ShippingSchema.Voided, message.Reason, now.ToUnixTimeMilliseconds(), ShippingSchema.Shipped) { ExpectedRows = 1 },
                    cancellationToken);
                await context.PublishAsync(new ShipmentCancelled(message.OrderId, shipmentId!, message.Reason, now), cancellationToken: cancellationToken);
                return;
        }
    }

    // The order's decision so far and its shipment, if any (committed state).
    private async Task<(string? Outcome, string? ShipmentId)> ReadAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var read = connection.Command(null, "SELECT outcome, shipment_id FROM shipping_decisions WHERE order_id = @p0", orderId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : (null, null);
    }
}
