using System.Net;
using Shop.Contracts;

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

    private static async Task AssertOneOrderCreatedAsync(OrderServiceHost host, Guid id)
    {
        await Eventually.HoldsAsync(() => host.Published.Of<OrderCreated>().Any(m => m.Message.OrderId == id), "OrderCreated");
        var stream = await host.StreamAsync(id);
        Assert.Equal(["order-placed", "shop.order-created.v1"], stream.Select(e => e.Type));
        await Task.Delay(500);
        Assert.Single(host.Published.Of<OrderCreated>(), m => m.Message.OrderId == id);
    }
}
