using Shop.Order.Domain;
using Shop.Order.Projections;
using Switchboard.EventSourcing;

namespace Shop.Order.Api;

/// <summary>
/// Which order a customer's <c>Idempotency-Key</c> names. The first request under a key records a new, time-ordered
/// order id in the key's stream (<c>orderkey-{hash of customer and key}</c>, appended expecting no stream); every later
/// request, also one at the same moment, reads that id back. So a retried request names the same order, and order ids
/// stay time-ordered whether or not clients send keys: every table and index keyed by order id (the order's stream, its
/// read model, the other services' rows) then takes new orders at its end, instead of at a random place per order.
/// </summary>
/// <remarks>
/// The key is recorded before the order is appended. A crash between the two leaves a key that names an order not yet
/// placed; the client's retry reads the id back and places it. Orders placed before keys were recorded carry the key's
/// hash as their id, and are found under it.
/// </remarks>
internal sealed class OrderKeys(IEventStoreReader reader, IEventStoreWriter writer, EventTypeMap types, TimeProvider time)
{
    /// <summary>The category of the keys' streams (not <c>order</c>: the read model and the forwarder read those).</summary>
    public const string Category = "orderkey";

    /// <summary>The id of the order that <paramref name="idempotencyKey"/> of <paramref name="customerId"/> names, recording a new one on first use.</summary>
    public async Task<Guid> OrderIdAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var keyId = OrderIds.FromIdempotencyKey(customerId, idempotencyKey);
        var placedBeforeKeys = StreamNames.For("order", OrderSummaries.Key(keyId));
        if ((await reader.ReadStreamAsync(placedBeforeKeys, 1, ReadDirection.Forwards, 1, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return keyId;
        }

        var stream = StreamNames.For(Category, keyId.ToString("D"));
        var orderId = OrderIds.New();
        try
        {
            var used = new OrderKeyUsed(orderId, time.GetUtcNow());
            await writer.AppendAsync(stream, ExpectedVersion.NoStream, [types.ToEventData(used)], cancellationToken).ConfigureAwait(false);
            return orderId;
        }
        catch (WrongExpectedVersionException)
        {
            // Another request under the key recorded its id first (perhaps at the same moment): that id is the key's.
            var first = await reader.ReadStreamAsync(stream, 1, ReadDirection.Forwards, 1, CancellationToken.None).ConfigureAwait(false);
            return ((OrderKeyUsed)types.Deserialize(first[0])).OrderId;
        }
    }
}
