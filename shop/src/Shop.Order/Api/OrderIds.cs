using System.Security.Cryptography;
using System.Text;

namespace Shop.Order.Api;

/// <summary>Order ids: new ones, or derived from the client's <c>Idempotency-Key</c> so that a retried request names the same order.</summary>
internal static class OrderIds
{
    private const string Namespace = "shop.order/idempotency-key";

    /// <summary>A new, time-ordered id.</summary>
    public static Guid New() => Guid.CreateVersion7();

    /// <summary>
    /// The id of the order a customer's <paramref name="idempotencyKey"/> stands for: a name-based (UUIDv5-style, SHA-256)
    /// hash of the customer and the key, so the same key always names the same order and two customers' keys never collide.
    /// </summary>
    public static Guid FromIdempotencyKey(string customerId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Namespace}\n{customerId.Length}:{customerId}\n{idempotencyKey}"));
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
