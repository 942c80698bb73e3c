using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Contracts;

namespace Shop.Order.Tests;

public sealed class PlaceOrderTests
{
    [Fact]
    public async Task A_valid_order_is_accepted_at_once_published_and_readable_with_its_timeline()
    {
        await using var host = await OrderServiceHost.StartAsync();

        using var response = await host.PostAsync(OrderServiceHost.ValidOrder("cust-1", ("SKU-0001", 2), ("SKU-0004", 1)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/orders/", location, StringComparison.Ordinal);
        var id = Guid.Parse(location["/orders/".Length..]);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("id").GetGuid());
        Assert.Equal("received", body.GetProperty("status").GetString());

        // Read your own write: the POST answered once the read model had the order.
        var order = await host.GetAsync(id);
        Assert.NotNull(order);
        Assert.Equal("received", order.Status);
        Assert.Equal("cust-1", order.CustomerId);
        Assert.Equal((2 * 8.50m) + 24.90m, order.Total);
        Assert.Equal("EUR", order.Currency);
        Assert.Equal(["received"], order.Timeline.Select(t => t.Event));

        // OrderCreated is published from the stream, with its event id as the message id.
        await Eventually.HoldsAsync(() => host.Published.Of<OrderCreated>().Any(m => m.Message.OrderId == id), "OrderCreated");
        var (messageId, created) = host.Published.Of<OrderCreated>().Single(m => m.Message.OrderId == id);
        var stream = await host.StreamAsync(id);
        Assert.Equal(stream.Single(e => e.Type == "shop.order-created.v1").EventId, messageId);
        Assert.Equal("tok_visa", created.PaymentToken);
        Assert.Equal(41.90m, created.Total);
        Assert.Equal([new OrderLine("SKU-0001", 2, 8.50m), new OrderLine("SKU-0004", 1, 24.90m)], created.Lines);
        Assert.Equal("London", created.ShippingAddress.City);
    }

    [Fact]
    public async Task An_unknown_order_is_404()
    {
        await using var host = await OrderServiceHost.StartAsync();

        using var unknown = await host.Client.GetAsync($"/orders/{Guid.NewGuid()}");
        using var notAnId = await host.Client.GetAsync("/orders/not-an-id");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
    }

    [Fact]
    public async Task A_customers_orders_are_listed()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var mine = new[] { await host.PlaceAsync("alice"), await host.PlaceAsync("alice"), await host.PlaceAsync("alice") };
        await host.PlaceAsync("bob");

        var listed = await host.As("alice").GetFromJsonAsync<List<JsonElement>>("/orders?customerId=alice");
        var own = await host.As("alice").GetFromJsonAsync<List<JsonElement>>("/orders");
        using var others = await host.As("alice").GetAsync("/orders?customerId=bob");

        Assert.Equal(mine.Order(), listed!.Select(o => o.GetProperty("id").GetGuid()).Order());
        Assert.Equal(mine.Order(), own!.Select(o => o.GetProperty("id").GetGuid()).Order());
        Assert.All(listed!, o => Assert.Equal("received", o.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, others.StatusCode);
        Assert.Single((await host.Operator.GetFromJsonAsync<List<JsonElement>>("/orders?customerId=bob"))!);
        Assert.Empty((await host.Operator.GetFromJsonAsync<List<JsonElement>>("/orders?customerId=nobody"))!);
    }
}
