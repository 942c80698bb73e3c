using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>
/// Creates the order's shipment and publishes <see cref="OrderShipped"/>, once per order: the shipment row's primary key
/// makes a second <see cref="InventoryUpdated"/> (another message id, or a concurrent copy) do nothing.
/// </summary>
internal sealed class InventoryUpdatedHandler(IUnitOfWork unitOfWork, TimeProvider time) : IMessageHandler<InventoryUpdated>
{
    public async ValueTask HandleAsync(InventoryUpdated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString();
        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken);
        var connection = transaction.Connection!;
        await using (var find = connection.Command(transaction, "SELECT COUNT(*) FROM shipping_orders WHERE order_id = @p0", orderId))
        {
            if (Convert.ToInt64(await find.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw new AddressNotYetKnownException(message.OrderId);
            }
        }

        var shippedAt = time.GetUtcNow();
        var shipment = new OrderShipped(message.OrderId, Tracking.ShipmentId(message.OrderId), Tracking.TrackingNumber(message.OrderId), shippedAt);
        await using var insert = connection.Command(
            transaction,
            "INSERT INTO shipping_shipments (order_id, shipment_id, tracking_number, created) VALUES (@p0, @p1, @p2, @p3) ON CONFLICT (order_id) DO NOTHING",
            orderId,
            shipment.ShipmentId,
            shipment.TrackingNumber,
            shippedAt.ToUnixTimeMilliseconds());
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            await context.PublishAsync(shipment, cancellationToken: cancellationToken);
        }
    }
}
