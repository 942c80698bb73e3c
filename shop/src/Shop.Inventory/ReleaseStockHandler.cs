using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Inventory;

/// <summary>
/// Gives back the reservation of a cancelled order, once. An order not reserved yet is marked cancelled, so that a late
/// <see cref="PaymentProcessed"/> reserves nothing for it. It reads the reservation first and writes expecting one
/// row each time, so a reservation made or released meanwhile makes the unit of work a conflict, run again.
/// </summary>
internal sealed class ReleaseStockHandler(ISqlUnitOfWork unitOfWork, ShopDatabase database, TimeProvider timeProvider) : IMessageHandler<OrderCancelled>
{
    public async ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString("D");
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        string? status = null;
        string? json = null;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var read = connection.Command(null, "SELECT status, lines FROM inventory_reservations WHERE order_id = @p0", orderId))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                status = reader.GetString(0);
                json = reader.GetString(1);
            }
        }

        if (status is null)
        {
            await unitOfWork.EnlistWriteAsync(
                new StoreWrite(
                    "INSERT INTO inventory_reservations (order_id, lines, status, reason, created, updated) VALUES (@p0, '[]', @p1, @p2, @p3, @p3) ON CONFLICT (order_id) DO NOTHING",
                    orderId, InventoryStatus.Cancelled, message.Reason, now) { ExpectedRows = 1 },
                cancellationToken).ConfigureAwait(false);
            return;
        }

        if (status != InventoryStatus.Reserved)
        {
            return;
        }

        await unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "UPDATE inventory_reservations SET status = @p1, reason = @p2, updated = @p3 WHERE order_id = @p0 AND status = @p4",
                orderId, InventoryStatus.Released, message.Reason, now, InventoryStatus.Reserved) { ExpectedRows = 1 },
            cancellationToken).ConfigureAwait(false);
        foreach (var line in ReservedLine.FromJson(json!))
        {
            await unitOfWork.EnlistWriteAsync(InventoryStock.Release(line), cancellationToken).ConfigureAwait(false);
        }
    }
}
