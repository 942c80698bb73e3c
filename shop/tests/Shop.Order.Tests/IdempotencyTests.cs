using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Contracts;
using Shop.Order.Api;
using Shop.Order.Domain;
using Switchboard.EventSourcing;

namespace Shop.Order.Tests;

public sealed class IdempotencyTests
{
    [Fact]
    public async Task The_same_key_twice_is_the_same_order_and_one_OrderCreated()
    {
        await using var host = await OrderServiceHost.StartAsync();

        using var first = await host.PostAsync(OrderServiceHost.ValidOrder(), "key-1");
        using var second = await host.PostAsync(OrderServiceHost.ValidOrder(), "key-1");
        using var other = await host.PostAsync(OrderServiceHost.ValidOrder(), "key-2");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.NotEqual(first.Headers.Location, other.Headers.Location);
        var id = Guid.Parse(first.Headers.Location!.OriginalString["/orders/".Length..]);
        await AssertOneOrderCreatedAsync(host, id);
    }

    [Fact]
    public async Task The_same_key_concurrently_is_the_same_order_and_one_OrderCreated()
    {
        await using var host = await OrderServiceHost.StartAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => host.PostAsync(OrderServiceHost.ValidOrder(), "concurrent-key")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var location = Assert.Single(responses.Select(r => r.Headers.Location!.OriginalString).Distinct());
        await AssertOneOrderCreatedAsync(host, Guid.Parse(location["/orders/".Length..]));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task The_same_key_with_a_different_request_is_422_and_changes_nothing()
    {
        await using var host = await OrderServiceHost.StartAsync();
        using var first = await host.PostAsync(OrderServiceHost.ValidOrder("cust-1", ("SKU-0001", 1)), "key-reused");
        var id = Guid.Parse(first.Headers.Location!.OriginalString["/orders/".Length..]);

        using var different = await host.PostAsync(OrderServiceHost.ValidOrder("cust-1", ("SKU-0001", 7)), "key-reused");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        var problem = await different.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Idempotency-Key reused with a different request", problem.GetProperty("title").GetString());
        Assert.Contains("'key-reused'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(different.Headers.Location);
        Assert.Equal(8.50m, (await host.GetAsync(id))!.Total);
        await AssertOneOrderCreatedAsync(host, id);

        // The first request again still gets its order.
        using var retry = await host.PostAsync(OrderServiceHost.ValidOrder("cust-1", ("SKU-0001", 1)), "key-reused");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
    }

    [Fact]
    public async Task The_same_request_normalized_differently_is_a_retry_not_a_reuse()
    {
        await using var host = await OrderServiceHost.StartAsync();
        using var first = await host.PostAsync(OrderServiceHost.ValidOrder("cust-1", ("SKU-0001", 2), ("SKU-0004", 1)), "key-normalized");

        // Padding that validation trims, and the same lines in another order.
        var padded = JsonSerializer.SerializeToNode(OrderServiceHost.ValidOrder("cust-1", ("SKU-0004", 1), ("SKU-0001", 2)))!;
        padded["customerId"] = "  cust-1 ";
        padded["shippingAddress"]!["city"] = "London  ";
        padded["shippingAddress"]!["line2"] = "   ";
        using var second = await host.PostAsync(padded, "key-normalized");

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
    }

    [Theory]
    [InlineData("email", "grace@example.com")]
    [InlineData("paymentToken", "tok_chargeDeclined")]
    [InlineData("shippingAddress.postalCode", "EC1A 1BB")]
    [InlineData("lines", "SKU-0002")]
    public async Task Any_part_of_the_request_changed_under_the_same_key_is_422(string field, string value)
    {
        await using var host = await OrderServiceHost.StartAsync();
        using var first = await host.PostAsync(OrderServiceHost.ValidOrder(), "key-changed");
        var changed = JsonSerializer.SerializeToNode(OrderServiceHost.ValidOrder())!;
        switch (field)
        {
            case "lines":
                changed["lines"]![0]!["sku"] = value;
                break;
            case "shippingAddress.postalCode":
                changed["shippingAddress"]!["postalCode"] = value;
                break;
            default:
                changed[field] = value;
                break;
        }

        using var second = await host.PostAsync(changed, "key-changed");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
    }

    [Fact]
    public async Task The_same_key_concurrently_with_two_requests_gives_one_order_to_one_of_them()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var bodies = Enumerable.Range(0, 16).Select(i => OrderServiceHost.ValidOrder("cust-1", ("SKU-0001", 1 + (i % 2)))).ToList();

        var responses = await Task.WhenAll(bodies.Select(b => host.PostAsync(b, "contended-key")));

        // Whichever request appended first owns the key: its eight copies get the order, the other eight a 422.
        var accepted = responses.Select((r, i) => (Response: r, Quantity: 1 + (i % 2))).Where(r => r.Response.StatusCode == HttpStatusCode.Accepted).ToList();
        Assert.Equal(8, accepted.Count);
        Assert.Single(accepted.Select(a => a.Quantity).Distinct());
        Assert.Equal(8, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        var location = Assert.Single(accepted.Select(a => a.Response.Headers.Location!.OriginalString).Distinct());
        await AssertOneOrderCreatedAsync(host, Guid.Parse(location["/orders/".Length..]));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_order_placed_before_fingerprints_were_recorded_answers_any_request_under_its_key()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = OrderIds.FromIdempotencyKey("cust-1", "old-key");
        var placed = new OrderPlaced(id, "cust-1", "ada@example.com", [new OrderLine("SKU-0001", 1, 8.50m)], 8.50m, Catalog.Currency, new ShippingAddress("Ada Lovelace", "12 Analytical St", null, "London", "N1 9GU", "GB"), "old-key", DateTimeOffset.UtcNow);
        var json = JsonSerializer.SerializeToNode(placed, JsonSerializerOptions.Web)!.AsObject();
        Assert.True(json.Remove("requestFingerprint")); // as stored before the property existed
        await host.Store.AppendAsync($"order-{id:D}", ExpectedVersion.NoStream, [new EventData(Guid.NewGuid().ToString(), "order-placed", JsonSerializer.SerializeToUtf8Bytes(json), EventMetadata.Empty)]);

        using var response = await host.PostAsync(OrderServiceHost.ValidOrder("cust-1", ("SKU-0002", 3)), "old-key");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/orders/{id:D}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_keyed_order_gets_a_time_ordered_id_recorded_under_its_key()
    {
        await using var host = await OrderServiceHost.StartAsync();

        using var first = await host.PostAsync(OrderServiceHost.ValidOrder(), "key-ordered-1");
        using var second = await host.PostAsync(OrderServiceHost.ValidOrder(), "key-ordered-2");

        var firstId = Guid.Parse(first.Headers.Location!.OriginalString["/orders/".Length..]);
        var secondId = Guid.Parse(second.Headers.Location!.OriginalString["/orders/".Length..]);
        Assert.Equal(7, firstId.Version);
        Assert.Equal(7, secondId.Version);
        Assert.True(string.CompareOrdinal(firstId.ToString("D"), secondId.ToString("D")) < 0, "the later order's id sorts after the earlier one's");
        var key = await host.Store.ReadStreamAsync($"orderkey-{OrderIds.FromIdempotencyKey("cust-1", "key-ordered-1"):D}", 1, ReadDirection.Forwards, 10);
        var used = Assert.Single(key);
        Assert.Equal("order-key-used", used.Type);
        Assert.Equal(firstId, JsonSerializer.Deserialize<OrderKeyUsed>(used.Data.Span, JsonSerializerOptions.Web)!.OrderId);
    }

    [Fact]
    public async Task A_key_recorded_before_a_crash_that_lost_its_order_places_the_order_under_the_recorded_id()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var recorded = Guid.CreateVersion7();
        var used = JsonSerializer.SerializeToUtf8Bytes(new OrderKeyUsed(recorded, DateTimeOffset.UtcNow), JsonSerializerOptions.Web);
        await host.Store.AppendAsync($"orderkey-{OrderIds.FromIdempotencyKey("cust-1", "key-crashed"):D}", ExpectedVersion.NoStream, [new EventData(Guid.NewGuid().ToString(), "order-key-used", used, EventMetadata.Empty)]);

        using var retry = await host.PostAsync(OrderServiceHost.ValidOrder(), "key-crashed");

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal($"/orders/{recorded:D}", retry.Headers.Location!.OriginalString);
        await AssertOneOrderCreatedAsync(host, recorded);
    }

    [Fact]
    public async Task The_same_key_of_another_customer_is_another_order()
    {
        await using var host = await OrderServiceHost.StartAsync();

        using var mine = await host.PostAsync(OrderServiceHost.ValidOrder("cust-1"), "shared-key", "cust-1");
        using var theirs = await host.PostAsync(OrderServiceHost.ValidOrder("cust-2"), "shared-key", "cust-2");

        Assert.Equal(HttpStatusCode.Accepted, mine.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, theirs.StatusCode);
        Assert.NotEqual(mine.Headers.Location, theirs.Headers.Location);
    }

    private static async Task AssertOneOrderCreatedAsync(OrderServiceHost host, Guid id)
    {
        await Eventually.HoldsAsync(() => host.Published.Of<OrderCreated>().Any(m => m.Message.OrderId == id), "OrderCreated");
        var stream = await host.StreamAsync(id);
        Assert.Equal(["order-placed", "shop.order-created.v1"], stream.Select(e => e.Type));
        await Task.Delay(500);
        Assert.Single(host.Published.Of<OrderCreated>(), m => m.Message.OrderId == id);
    }
}
