using Shop.Infrastructure;
using Shop.Payment;

namespace Shop;

/// <summary>
/// The simulated payment gateway for several Payment processes: a real gateway is one remote service that every
/// instance of Payment talks to, so its memory (charges and refunds by idempotency key) is kept in a PostgreSQL schema
/// of its own (the "remote side"; no service reads it), while <see cref="SimulatedPaymentGateway"/> still decides each
/// new charge (tokens, transient failures, latency). Without it, an order charged by one Payment instance and refunded
/// by another found no such charge at the other's in-process gateway.
/// </summary>
internal sealed class SharedPaymentGateway(ShopDatabase database, SimulatedPaymentGateway decider) : IPaymentGateway
{
    public const string Schema = "shop_payment_gateway";

    /// <summary>The gateway's tables, created at start-up before the bus consumes (see <see cref="ShopServices"/>).</summary>
    public const string TablesSql = """
        CREATE TABLE IF NOT EXISTS gateway_charges (
            idempotency_key TEXT NOT NULL PRIMARY KEY,
            charge_id TEXT NULL UNIQUE,
            decline_reason TEXT NULL,
            amount_cents BIGINT NOT NULL,
            refunded_cents BIGINT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS gateway_refunds (
            idempotency_key TEXT NOT NULL PRIMARY KEY,
            refund_id TEXT NOT NULL,
            charge_id TEXT NOT NULL,
            amount_cents BIGINT NOT NULL
        );
        """;

    public async ValueTask<ChargeResult> ChargeAsync(string idempotencyKey, string token, decimal amount, string currency, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (await FindChargeAsync(idempotencyKey, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier;
        }

        var result = await decider.ChargeAsync(idempotencyKey, token, amount, currency, cancellationToken).ConfigureAwait(false);
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var insert = connection.Command(
                null,
                "INSERT INTO gateway_charges (idempotency_key, charge_id, decline_reason, amount_cents, refunded_cents) VALUES (@p0, @p1, @p2, @p3, 0) ON CONFLICT (idempotency_key) DO NOTHING",
                idempotencyKey, result.ChargeId, result.DeclineReason, Money.ToCents(amount));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Another instance may have charged the same key meanwhile: the first result recorded is the gateway's answer.
        return await FindChargeAsync(idempotencyKey, cancellationToken).ConfigureAwait(false) ?? result;
    }

    public async ValueTask<string> RefundAsync(string idempotencyKey, string chargeId, decimal amount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var refundId = "re_" + Guid.NewGuid().ToString("N")[..24];
        var cents = Money.ToCents(amount);
        await using (var insert = connection.Command(
            transaction,
            "INSERT INTO gateway_refunds (idempotency_key, refund_id, charge_id, amount_cents) VALUES (@p0, @p1, @p2, @p3) ON CONFLICT (idempotency_key) DO NOTHING",
            idempotencyKey, refundId, chargeId, cents))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                // A repeated key: the first refund's id, nothing refunded twice.
                await using var earlier = connection.Command(transaction, "SELECT refund_id FROM gateway_refunds WHERE idempotency_key = @p0", idempotencyKey);
                return (string)(await earlier.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }

        await using (var update = connection.Command(
            transaction,
            "UPDATE gateway_charges SET refunded_cents = refunded_cents + @p1 WHERE charge_id = @p0 AND @p1 > 0 AND refunded_cents + @p1 <= amount_cents",
            chargeId, cents))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"No such charge, or a refund of {amount} exceeds what is left of it: '{chargeId}'.");
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return refundId;
    }

    public async ValueTask<ChargeResult?> FindChargeAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = connection.Command(null, "SELECT charge_id, decline_reason FROM gateway_charges WHERE idempotency_key = @p0", idempotencyKey);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return reader.IsDBNull(0) ? ChargeResult.Decline(reader.GetString(1)) : ChargeResult.Approve(reader.GetString(0));
    }
}
