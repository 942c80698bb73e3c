using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Inventory;

/// <summary>
/// Gives back the reservation of a cancelled order, once. An order not reserved yet is marked cancelled, so that a late
/// <see cref="PaymentProcessed"/> reserves nothing for it.
/// </summary>
internal sealed class ReleaseStockHandler(IUnitOfWork unitOfWork, TimeProvider timeProvider) : IMessageHandler<OrderCancelled>
{
    public async ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString("D");
        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken).ConfigureAwait(false);
        var connection = transaction.Connection!;
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

        string? json;
        await using (var release = connection.Command(
            transaction,
            "UPDATE inventory_reservations SET status = @p1, reason = @p2, updated = @p3 WHERE order_id = @p0 AND status = @p4 RETURNING lines",
            orderId, InventoryStatus.Released, message.Reason, now, InventoryStatus.Reserved))
        {
            json = await release.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        if (json is not null)
        {
            foreach (var line in ReservedLine.FromJson(json))
            {
                await InventoryStock.ReleaseAsync(transaction, line, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await using var tombstone = connection.Command(
            transaction,
            "INSERT INTO inventory_reservations (order_id, lines, status, reason, created, updated) VALUES (@p0, '[]', @p1, @p2, @p3, @p3) ON CONFLICT (order_id) DO NOTHING",
            orderId, InventoryStatus.Cancelled, message.Reason, now);
        await tombstone.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
