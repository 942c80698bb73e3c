namespace Shop.Payment;

/// <summary>
/// A payment gateway in test mode, simulating the remote side: <c>tok_visa</c>, <c>tok_mastercard</c> and
/// <c>tok_amex</c> approve; <c>tok_chargeDeclined</c> declines (<c>card_declined</c>),
/// <c>tok_chargeDeclinedInsufficientFunds</c> (<c>insufficient_funds</c>), <c>tok_chargeDeclinedExpiredCard</c>
/// (<c>expired_card</c>); <c>tok_chargeDeclinedProcessingError</c> fails transiently on the first
/// <see cref="PaymentOptions.GatewayTransientFailures"/> calls of a key and then approves; any other token declines
/// (<c>invalid_token</c>). Calls take <see cref="PaymentOptions.GatewayMinLatency"/> to
/// <see cref="PaymentOptions.GatewayMaxLatency"/>. Calls are idempotent by key: a repeated key returns the first
/// result and never charges or refunds twice. It remembers the last <see cref="PaymentOptions.GatewayMaxRecords"/>
/// keys, in memory: one gateway per process.
/// </summary>
public sealed class SimulatedPaymentGateway(PaymentOptions options, TimeProvider timeProvider) : IPaymentGateway
{
    /// <summary>The token that fails transiently before it approves.</summary>
    public const string ProcessingErrorToken = "tok_chargeDeclinedProcessingError";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ChargeResult> _charges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChargeAccount> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refunds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _transientFailures = new(StringComparer.Ordinal);
    private readonly Queue<(Kind Kind, string Key)> _age = new();

    private enum Kind
    {
        Charge,
        Refund,
    }

    /// <summary>How many charges were made (approved ones, each key once).</summary>
    public int ChargeCount { get; private set; }

    /// <summary>How many refunds were made (each key once).</summary>
    public int RefundCount { get; private set; }

    /// <inheritdoc/>
    public async ValueTask<ChargeResult> ChargeAsync(string idempotencyKey, string token, decimal amount, string currency, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        await SimulateLatencyAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_charges.TryGetValue(idempotencyKey, out var earlier))
            {
                return earlier;
            }

            if (string.Equals(token, ProcessingErrorToken, StringComparison.Ordinal))
            {
                var failures = _transientFailures.GetValueOrDefault(idempotencyKey);
                if (failures < options.GatewayTransientFailures)
                {
                    _transientFailures[idempotencyKey] = failures + 1;
                    throw new PaymentGatewayUnavailableException($"processing_error (simulated, call {failures + 1} of key '{idempotencyKey}')");
                }

                _transientFailures.Remove(idempotencyKey);
            }

            var result = Decide(token, amount, currency);
            if (result.ChargeId is { } chargeId)
            {
                _accounts[chargeId] = new ChargeAccount(amount);
                ChargeCount++;
            }

            _charges[idempotencyKey] = result;
            Remember(Kind.Charge, idempotencyKey);
            return result;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ChargeResult?> FindChargeAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        await SimulateLatencyAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return _charges.TryGetValue(idempotencyKey, out var result) ? result : null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<string> RefundAsync(string idempotencyKey, string chargeId, decimal amount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        await SimulateLatencyAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_refunds.TryGetValue(idempotencyKey, out var earlier))
            {
                return earlier;
            }

            if (!_accounts.TryGetValue(chargeId, out var account))
            {
                throw new InvalidOperationException($"No such charge: '{chargeId}'.");
            }

            if (amount <= 0 || account.Refunded + amount > account.Amount)
            {
                throw new InvalidOperationException($"A refund of {amount} exceeds what is left of charge '{chargeId}'.");
            }

            account.Refunded += amount;
            var refundId = "re_" + Guid.NewGuid().ToString("N")[..24];
            _refunds[idempotencyKey] = refundId;
            RefundCount++;
            Remember(Kind.Refund, idempotencyKey);
            return refundId;
        }
    }

    private static ChargeResult Decide(string token, decimal amount, string currency)
    {
        if (amount <= 0)
        {
            return ChargeResult.Decline("invalid_amount");
        }

        if (currency is not { Length: 3 })
        {
            return ChargeResult.Decline("invalid_currency");
        }

        return token switch
        {
            "tok_visa" or "tok_mastercard" or "tok_amex" or ProcessingErrorToken => ChargeResult.Approve("ch_" + Guid.NewGuid().ToString("N")[..24]),
            "tok_chargeDeclined" => ChargeResult.Decline("card_declined"),
            "tok_chargeDeclinedInsufficientFunds" => ChargeResult.Decline("insufficient_funds"),
            "tok_chargeDeclinedExpiredCard" => ChargeResult.Decline("expired_card"),
            _ => ChargeResult.Decline("invalid_token"),
        };
    }

    // Bounded memory: past the limit, the oldest key (and its charge) is forgotten.
    private void Remember(Kind kind, string key)
    {
        _age.Enqueue((kind, key));
        while (_age.Count > Math.Max(1, options.GatewayMaxRecords))
        {
            var (oldKind, oldKey) = _age.Dequeue();
            if (oldKind == Kind.Refund)
            {
                _refunds.Remove(oldKey);
            }
            else if (_charges.Remove(oldKey, out var old) && old.ChargeId is { } chargeId)
            {
                _accounts.Remove(chargeId);
            }
        }
    }

    private Task SimulateLatencyAsync(CancellationToken cancellationToken)
    {
        var min = options.GatewayMinLatency;
        var max = options.GatewayMaxLatency < min ? min : options.GatewayMaxLatency;
        if (max <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var latency = min + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * (max - min).Ticks));
        return Task.Delay(latency, timeProvider, cancellationToken);
    }

    private sealed class ChargeAccount(decimal amount)
    {
        public decimal Amount { get; } = amount;

        public decimal Refunded { get; set; }
    }
}
