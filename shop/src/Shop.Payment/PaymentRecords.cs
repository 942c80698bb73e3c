using System.Data.Common;
using Shop.Infrastructure;
using Switchboard.Persistence;

namespace Shop.Payment;

/// <summary>A row of <c>payment_charges</c>.</summary>
internal sealed record ChargeRecord(string OrderId, string? ChargeId, long AmountCents, string Currency, string Status, string? Reason);

/// <summary>The Payment service's SQL on its own tables.</summary>
internal static class PaymentRecords
{
    public const string Charged = "charged";
    public const string Declined = "declined";
    public const string Cancelled = "cancelled";

    private const string SelectCharge = "SELECT order_id, charge_id, amount_cents, currency, status, reason FROM payment_charges WHERE order_id = @p0";

    /// <summary>The charge record of an order, read outside any unit of work (before calling the gateway).</summary>
    public static async Task<ChargeRecord?> FindChargeAsync(ShopDatabase database, string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindChargeAsync(connection, null, orderId, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ChargeRecord?> FindChargeAsync(DbConnection connection, DbTransaction? transaction, string orderId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(transaction, SelectCharge, orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ChargeRecord(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetInt64(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    /// <summary>Whether the order's refund is recorded, read outside any unit of work.</summary>
    public static async Task<bool> IsRefundedAsync(ShopDatabase database, string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(null, "SELECT 1 FROM payment_refunds WHERE order_id = @p0", orderId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Inserts a charge record, expecting the order to have none (else the unit of work is a conflict).</summary>
    public static StoreWrite InsertCharge(ChargeRecord record, long created) =>
        new(
            "INSERT INTO payment_charges (order_id, charge_id, amount_cents, currency, status, reason, created) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) ON CONFLICT (order_id) DO NOTHING",
            record.OrderId, record.ChargeId, record.AmountCents, record.Currency, record.Status, record.Reason, created) { ExpectedRows = 1 };

    /// <summary>Inserts a refund record, expecting the order to have none (else the unit of work is a conflict).</summary>
    public static StoreWrite InsertRefund(string orderId, string refundId, string chargeId, long amountCents, string currency, string reason, long created) =>
        new(
            "INSERT INTO payment_refunds (order_id, refund_id, charge_id, amount_cents, currency, reason, created) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) ON CONFLICT (order_id) DO NOTHING",
            orderId, refundId, chargeId, amountCents, currency, reason, created) { ExpectedRows = 1 };
}
