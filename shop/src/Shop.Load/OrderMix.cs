using System.Net.Http.Headers;
using System.Net.Http.Json;
using Shop.Contracts;
using Shop.Http;

namespace Shop;

/// <summary>A demo order request.</summary>
internal sealed record OrderRequest(string IdempotencyKey, string CustomerId, string Email, IReadOnlyList<OrderRequestLine> Lines, string PaymentToken, ShippingAddress ShippingAddress)
{
    /// <summary><c>POST /orders</c> with this order as its body and its <c>Idempotency-Key</c>, as its customer (a token from <paramref name="tokens"/>).</summary>
    public HttpRequestMessage ToHttpRequest(ShopTokens tokens)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { CustomerId, Email, Lines, PaymentToken, ShippingAddress }, options: ApiRequests.Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.ForCustomer(CustomerId));
        request.Headers.Add("Idempotency-Key", IdempotencyKey);
        return request;
    }
}

/// <summary>A demo order line.</summary>
internal sealed record OrderRequestLine(string Sku, int Quantity);

/// <summary>
/// The demo's deterministic mix: about 7 % declined cards, 5 % cards that fail transiently (retried, then
/// approved), 4 % with a line of a SKU that runs out (SKU-0009: 50 units, SKU-0010: 20), and every 25th request
/// repeating the previous request (the same idempotency key). The demo's 40 customers share all orders; a load run
/// (with a run name) gives every 50 orders a customer of their own, so that one customer's list holds them all.
/// </summary>
internal static class OrderMix
{
    private static readonly string[] Plentiful = ["SKU-0001", "SKU-0002", "SKU-0003", "SKU-0004", "SKU-0005", "SKU-0006", "SKU-0007", "SKU-0008"];

    /// <summary>The request number <paramref name="index"/> of the demo, or of the load run <paramref name="run"/>.</summary>
    public static OrderRequest For(int index, string? run = null)
    {
        if (index % 25 == 24)
        {
            return For(index - 1, run);
        }

        var random = new Random(index);
        var customer = run is null ? $"customer-{index % 40:D2}" : $"{run}-c{index / LoadRun.OrdersPerCustomer:D4}";
        var lines = Enumerable.Range(0, 1 + random.Next(3))
            .Select(_ => Plentiful[random.Next(Plentiful.Length)])
            .Distinct()
            .Select(sku => new OrderRequestLine(sku, 1 + random.Next(3)))
            .ToList();
        if (index % 25 == 7)
        {
            lines.Add(new OrderRequestLine(index % 2 == 0 ? "SKU-0009" : "SKU-0010", 1 + random.Next(3)));
        }

        var token = (index % 100) switch
        {
            < 7 => "tok_chargeDeclined",
            < 12 => "tok_chargeDeclinedProcessingError",
            _ => "tok_visa",
        };
        return new OrderRequest($"{run ?? "demo"}-{index}", customer, $"{customer}@example.com", lines, token, new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", "GB"));
    }
}
