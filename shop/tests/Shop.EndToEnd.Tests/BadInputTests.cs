using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shop.Contracts;

namespace Shop.EndToEnd.Tests;

/// <summary>What a client gets for a bad request, and that bad requests leave nothing behind and break nothing.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Bad_requests_get_problem_details_and_a_valid_order_afterwards_still_completes()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        // Malformed JSON.
        using (var malformed = await PostRawAsync(shop, """{"customerId": "mallory", "lines": [""", "application/json"))
        {
            var problem = await Problems.AssertAsync(malformed, HttpStatusCode.BadRequest);
            Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        }

        // An unknown SKU: named, with the field it is in.
        using (var unknown = await shop.PostOrderAsync("mallory", ShopUnderTest.OrderBody("mallory", "tok_visa", new Line("SKU-0001", 1), new Line("SKU-9999", 1))))
        {
            var errors = (await Problems.AssertAsync(unknown, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.Contains("SKU-9999", Assert.Single(errors.GetProperty("lines[1].sku").EnumerateArray()).GetString(), StringComparison.Ordinal);
            Assert.Single(errors.EnumerateObject());
        }

        // A negative quantity.
        using (var negative = await shop.PostOrderAsync("mallory", ShopUnderTest.OrderBody("mallory", "tok_visa", new Line("SKU-0001", -3))))
        {
            var errors = (await Problems.AssertAsync(negative, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.Contains("quantity", Assert.Single(errors.GetProperty("lines[0].quantity").EnumerateArray()).GetString(), StringComparison.Ordinal);
            Assert.Single(errors.EnumerateObject());
        }

        // More than 64 KB. With a Content-Length the API refuses it from the headers: 413, problem details. (The client
        // asks "Expect: 100-continue", as a client with a large body should, so it never starts sending what the server
        // refuses: otherwise the outcome races the server closing the connection.)
        var oversized = JsonSerializer.Serialize(
            ShopUnderTest.OrderBody("mallory", "tok_visa", [.. Enumerable.Range(0, 3000).Select(i => new Line("SKU-0001", 1 + (i % 9)))]),
            ShopUnderTest.Json);
        Assert.True(Encoding.UTF8.GetByteCount(oversized) > 64 * 1024);
        using (var declared = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent(oversized, Encoding.UTF8, "application/json") })
        {
            declared.Headers.ExpectContinue = true;
            using var tooLarge = await shop.As("mallory").SendAsync(declared);
            var problem = await Problems.AssertAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);
            Assert.Contains("65536", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Streamed without a length, the API reads up to the limit and refuses: 413, unless the server's closing the
        // connection (it does not read the rest) reaches the client while it is still sending; either way it is refused.
        using (var streamed = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(oversized))) })
        {
            streamed.Content.Headers.ContentType = new("application/json");
            try
            {
                using var tooLarge = await shop.As("mallory").SendAsync(streamed);
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            }
            catch (HttpRequestException exception) when (exception.InnerException is IOException)
            {
                // The connection was closed on the rest of the body.
            }
        }

        // None of it made an order.
        Assert.Equal("[]", await shop.As("mallory").GetStringAsync(new Uri("/orders", UriKind.Relative)));

        // The service still takes orders, and nothing it accepted is lost.
        var id = await shop.PlaceAsync("grace", "tok_visa", new Line("SKU-0008", 2));
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(id)).Status);
        var report = await shop.CheckInvariantsAsync();
        Assert.Equal(1, report.Completed);
        Assert.Single(shop.Ledger.Of<OrderCreated>());
        Assert.Equal(1, (await shop.AnalyticsAsync()).GetProperty("ordersPlaced").GetInt64());
        Assert.Empty(await shop.NotificationsAsync("mallory"));
    }

    private static async Task<HttpResponseMessage> PostRawAsync(ShopUnderTest shop, string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        return await shop.As("mallory").PostAsync(new Uri("/orders", UriKind.Relative), content);
    }

    // A body whose length the client does not know, so it is sent chunked.
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
