using System.Data.Common;
using System.Globalization;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Inventory;

/// <summary>
/// Reserves every line of a paid order, or none. It reads the committed stock first, decides, and hands its writes to
/// the unit of work, each expecting one row: the reservation record (a second copy of the message that got there
/// first is a conflict), every line's conditional take (<c>available &gt;= quantity</c>, so stock never goes negative,
/// also with competing instances) or, for a refusal, every short line's confirmation that it is still short. When
/// another order changed the stock in between so that the decision no longer holds, the unit of work is a conflict,
/// nothing of it stays, and the message runs again on the new stock. What commits is either the reservation, the
/// takes and <see cref="InventoryUpdated"/>, or the "failed" record and <see cref="InventoryUpdateFailed"/> with no
/// change of stock. An order with a reservation record (a redelivery, a cancellation that came first) is left alone.
/// </summary>
internal sealed class ReserveStockHandler(ISqlUnitOfWork unitOfWork, ShopDatabase database, TimeProvider timeProvider) : IMessageHandler<PaymentProcessed>
{
    private const string InsertReservation =
        "INSERT INTO inventory_reservations (order_id, lines, status, reason, created, updated) VALUES (@p0, @p1, @p2, @p3, @p4, @p4) ON CONFLICT (order_id) DO NOTHING";

    public async ValueTask HandleAsync(PaymentProcessed message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString("D");
        var lines = ReservedLine.FromOrder(message.Lines);
        List<Shortage> shortages;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using (var reserved = connection.Command(null, "SELECT 1 FROM inventory_reservations WHERE order_id = @p0", orderId))
            {
                if (await reserved.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    return;
                }
            }

            shortages = lines is null ? [] : await ShortagesAsync(connection, lines, cancellationToken).ConfigureAwait(false);
        }

        var now = timeProvider.GetUtcNow();
        var failure = lines is null
            ? "invalid order lines: at least one line, each with a SKU and a quantity of at least 1"
            : shortages.Count == 0 ? null : "out of stock: " + string.Join("; ", shortages.Select(s => s.Reason));
        await unitOfWork.EnlistWriteAsync(
            new StoreWrite(InsertReservation, orderId, ReservedLine.ToJson(lines ?? []), failure is null ? InventoryStatus.Reserved : InventoryStatus.Failed, failure, now.ToUnixTimeMilliseconds()) { ExpectedRows = 1 },
            cancellationToken).ConfigureAwait(false);
        if (failure is null)
        {
            foreach (var line in lines!)
            {
                await unitOfWork.EnlistWriteAsync(
                    new StoreWrite("UPDATE inventory_stock SET available = available - @p1, reserved = reserved + @p1 WHERE sku = @p0 AND available >= @p1", line.Sku, (long)line.Quantity) { ExpectedRows = 1 },
                    cancellationToken).ConfigureAwait(false);
            }

            await context.PublishAsync(new InventoryUpdated(message.OrderId, message.Lines!, now), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var shortage in shortages.Where(s => s.InCatalog))
        {
            // Still short at the commit: a release meanwhile would have made the refusal wrong.
            await unitOfWork.EnlistWriteAsync(
                new StoreWrite("UPDATE inventory_stock SET available = available WHERE sku = @p0 AND available < @p1", shortage.Line.Sku, (long)shortage.Line.Quantity) { ExpectedRows = 1 },
                cancellationToken).ConfigureAwait(false);
        }

        await context.PublishAsync(new InventoryUpdateFailed(message.OrderId, failure, now), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    // The lines the committed stock cannot cover, with why.
    private static async Task<List<Shortage>> ShortagesAsync(DbConnection connection, IReadOnlyList<ReservedLine> lines, CancellationToken cancellationToken)
    {
        var shortages = new List<Shortage>();
        foreach (var line in lines)
        {
            await using var read = connection.Command(null, "SELECT available FROM inventory_stock WHERE sku = @p0", line.Sku);
            var available = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (available is null or DBNull)
            {
                shortages.Add(new Shortage(line, InCatalog: false, $"{Quote(line.Sku)} is not in the catalog"));
            }
            else if (Convert.ToInt64(available, CultureInfo.InvariantCulture) < line.Quantity)
            {
                shortages.Add(new Shortage(line, InCatalog: true, string.Create(CultureInfo.InvariantCulture, $"{line.Sku}: {line.Quantity} requested, {Convert.ToInt64(available, CultureInfo.InvariantCulture)} available")));
            }
        }

        return shortages;
    }

    private static string Quote(string sku) => "'" + (sku.Length > 64 ? sku[..64] + "…" : sku) + "'";

    private sealed record Shortage(ReservedLine Line, bool InCatalog, string Reason);
}
