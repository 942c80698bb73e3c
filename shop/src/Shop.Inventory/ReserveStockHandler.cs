using System.Data.Common;
using System.Globalization;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Inventory;

/// <summary>
/// Reserves every line of a paid order, or none, in the unit of work. Each line is a conditional update
/// (<c>available &gt;= quantity</c>), so stock never goes negative, also with competing instances. When a line cannot
/// be reserved, the lines already taken are put back in the same transaction: what commits is the order's "failed"
/// record and <see cref="InventoryUpdateFailed"/>, with no net change of stock. An order with a reservation record
/// (a redelivery, a second copy, a cancellation that came first) is left alone.
/// </summary>
internal sealed class ReserveStockHandler(IUnitOfWork unitOfWork, TimeProvider timeProvider) : IMessageHandler<PaymentProcessed>
{
    public async ValueTask HandleAsync(PaymentProcessed message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString("D");
        var lines = ReservedLine.FromOrder(message.Lines);
        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken).ConfigureAwait(false);
        var connection = transaction.Connection!;
        var now = timeProvider.GetUtcNow();
        await using (var insert = connection.Command(
            transaction,
            "INSERT INTO inventory_reservations (order_id, lines, status, reason, created, updated) VALUES (@p0, @p1, @p2, NULL, @p3, @p3) ON CONFLICT (order_id) DO NOTHING",
            orderId, ReservedLine.ToJson(lines ?? []), InventoryStatus.Reserved, now.ToUnixTimeMilliseconds()))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return;
            }
        }

        var failure = lines is null
            ? "invalid order lines: at least one line, each with a SKU and a quantity of at least 1"
            : await TryReserveAsync(transaction, lines, cancellationToken).ConfigureAwait(false);
        if (failure is null)
        {
            await context.PublishAsync(new InventoryUpdated(message.OrderId, message.Lines!, now), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        await using (var failed = connection.Command(
            transaction,
            "UPDATE inventory_reservations SET status = @p1, reason = @p2 WHERE order_id = @p0",
            orderId, InventoryStatus.Failed, failure))
        {
            await failed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await context.PublishAsync(new InventoryUpdateFailed(message.OrderId, failure, now), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    // Null when every line was reserved; else why not, with every line that could not be, after putting back the others.
    private static async Task<string?> TryReserveAsync(DbTransaction transaction, IReadOnlyList<ReservedLine> lines, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var taken = new List<ReservedLine>();
        var missing = new List<ReservedLine>();
        foreach (var line in lines)
        {
            await using var reserve = connection.Command(
                transaction,
                "UPDATE inventory_stock SET available = available - @p1, reserved = reserved + @p1 WHERE sku = @p0 AND available >= @p1",
                line.Sku, (long)line.Quantity);
            (await reserve.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? taken : missing).Add(line);
        }

        if (missing.Count == 0)
        {
            return null;
        }

        foreach (var line in taken)
        {
            await InventoryStock.ReleaseAsync(transaction, line, cancellationToken).ConfigureAwait(false);
        }

        var reasons = new List<string>();
        foreach (var line in missing)
        {
            await using var read = connection.Command(transaction, "SELECT available FROM inventory_stock WHERE sku = @p0", line.Sku);
            var available = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            reasons.Add(available is null or DBNull
                ? $"{Quote(line.Sku)} is not in the catalog"
                : string.Create(CultureInfo.InvariantCulture, $"{line.Sku}: {line.Quantity} requested, {Convert.ToInt64(available, CultureInfo.InvariantCulture)} available"));
        }

        return "out of stock: " + string.Join("; ", reasons);
    }

    private static string Quote(string sku) => "'" + (sku.Length > 64 ? sku[..64] + "…" : sku) + "'";
}
