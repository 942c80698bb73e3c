namespace Shop.Payment;

/// <summary>
/// A payment gateway (the remote side). Every call carries an idempotency key: a call repeated with the same key returns
/// the first call's result and never charges or refunds twice.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>
    /// Charges <paramref name="amount"/> in <paramref name="currency"/> to the card behind <paramref name="token"/>.
    /// Returns approved (with the charge id) or declined (with the reason); throws
    /// <see cref="PaymentGatewayUnavailableException"/> when the gateway failed transiently and the call may be retried.
    /// </summary>
    ValueTask<ChargeResult> ChargeAsync(string idempotencyKey, string token, decimal amount, string currency, CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks up the result of the charge made with <paramref name="idempotencyKey"/> (it never charges): null when the
    /// gateway has no decision for that key: no call was made, one is still in flight, or it is older than what the
    /// gateway remembers. Lets a service that lost track of a call (a crash, a race with a cancellation) find out
    /// whether money moved.
    /// </summary>
    ValueTask<ChargeResult?> FindChargeAsync(string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Refunds <paramref name="amount"/> of the charge <paramref name="chargeId"/> and returns the refund id; throws
    /// <see cref="PaymentGatewayUnavailableException"/> on a transient failure.
    /// </summary>
    ValueTask<string> RefundAsync(string idempotencyKey, string chargeId, decimal amount, CancellationToken cancellationToken = default);
}
