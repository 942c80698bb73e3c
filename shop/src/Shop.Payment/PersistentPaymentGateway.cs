using Shop.Infrastructure;

namespace Shop.Payment;

/// <summary>
/// The simulated payment gateway as Shop's processes see it: a remote service whose memory (charges and refunds by
/// idempotency key) outlives every Shop process, as a real gateway's does. It is kept in a database of its own (the
/// "remote side"; no service reads it): on the embedded default a SQLite file next to Shop's
/// (<see cref="SqliteFileName"/>), in the distributed mode a PostgreSQL schema (<see cref="Schema"/>) that every
/// Payment instance shares. <see cref="SimulatedPaymentGateway"/> still decides each new charge (tokens, transient
/// failures, latency). Without it, a charge made before a restart, or by another Payment instance, was unknown to the
/// gateway that was asked to refund it ("No such charge"), and the refund was dead-lettered.
/// </summary>
public sealed class PersistentPaymentGateway(ShopDatabase database, SimulatedPaymentGateway decider) : IPaymentGateway
{
    /// <summary>The PostgreSQL schema of the gateway's memory.</summary>
    public const string Schema = "shop_payment_gateway";

    /// <summary>The SQLite file of the gateway's memory, in the embedded default's data directory.</summary>
    public const string SqliteFileName = "payment-gateway.db";

    /// <summary>The gateway's tables, created at start-up before the bus consumes (by the shop host, with Payment's).</summary>
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

    /// <inheritdoc/>
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
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return result;
            }
        }

        // Another instance charged the same key meanwhile: the first result recorded is the gateway's answer.
        return await FindChargeAsync(idempotencyKey, cancellationToken).ConfigureAwait(false) ?? result;
    }

    /// <inheritdoc/>
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

    /// <summary>How many charges the gateway approved and how many refunds it made (each idempotency key once), as its own records say.</summary>
    public async Task<(long Charges, long Refunds)> CountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var count = connection.Command(null, "SELECT (SELECT COUNT(*) FROM gateway_charges WHERE charge_id IS NOT NULL), (SELECT COUNT(*) FROM gateway_refunds)");
        await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <inheritdoc/>
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
