using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Switchboard;

namespace Shop.EndToEnd.Tests;

/// <summary>Duplicates from both sides: a client repeating a request, and the bus delivering a message again.</summary>
public sealed class DuplicateTests
{
    [Fact]
    public async Task The_same_idempotency_key_sequentially_or_concurrently_names_one_order_created_once_and_refuses_a_different_request()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        // Sequentially: the same request again gets the same order.
        var first = await shop.PlaceAsync("dave", "tok_visa", [new Line("SKU-0004", 1)], "key-sequential");
        var again = await shop.PlaceAsync("dave", "tok_visa", [new Line("SKU-0004", 1)], "key-sequential");
        Assert.Equal(first, again);

        // A different request under that key is refused (422), and the first order stays as it was.
        using (var reused = await shop.PostOrderAsync("dave", ShopUnderTest.OrderBody("dave", "tok_visa", new Line("SKU-0004", 7)), "key-sequential"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
            Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await reused.Content.ReadAsStringAsync());
            Assert.Equal("Idempotency-Key reused with a different request", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains("key-sequential", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Concurrently: twelve requests at once with one key.
        var racing = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => shop.PlaceAsync("dave", "tok_visa", [new Line("SKU-0005", 2)], "key-concurrent")));
        var concurrent = Assert.Single(racing.Distinct());
        Assert.NotEqual(first, concurrent);

        // The key is the customer's: another customer's same key is another order.
        var other = await shop.PlaceAsync("erin", "tok_visa", [new Line("SKU-0004", 1)], "key-sequential");
        Assert.NotEqual(first, other);

        foreach (var id in new[] { first, concurrent, other })
        {
            Assert.Equal("completed", (await shop.WaitForTerminalAsync(id)).Status);
        }

        var report = await shop.CheckInvariantsAsync(); // among others: exactly one OrderCreated per order
        Assert.Equal(3, report.Orders);
        Assert.Equal(3, report.Completed);
        Assert.Equal(3, shop.Ledger.Of<OrderCreated>().Count());
        Assert.Equal(3, (await shop.Gateway.CountsAsync()).Charges);
        Assert.Equal(1, Assert.Single((await shop.FindOrderAsync(first))!.Lines).Quantity);
        Assert.Equal(new StockLevelView(100_000 - 2, 2), StockLevelView.Of(await shop.StockAsync("SKU-0004")));
        Assert.Equal(new StockLevelView(100_000 - 2, 2), StockLevelView.Of(await shop.StockAsync("SKU-0005")));
        Assert.Equal(3, (await shop.AnalyticsAsync()).GetProperty("ordersPlaced").GetInt64());
    }

    [Fact]
    public async Task OrderCreated_delivered_again_to_Payment_charges_once()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var bus = shop.App.Services.GetRequiredService<IBus>();

        // An order whose OrderCreated is delivered again after it completed, and one whose copies race the original.
        var late = await shop.PlaceAsync("frank", "tok_visa", new Line("SKU-0006", 1));
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(late)).Status);
        var early = await shop.PlaceAsync("frank", "tok_visa", new Line("SKU-0007", 3));
        var copies = new List<string>();
        foreach (var id in new[] { late, early })
        {
            KeyValuePair<string, OrderCreated> recorded = default;
            await ShopUnderTest.WaitUntilAsync(
                () => Task.FromResult(shop.Ledger.WithMessageIds<OrderCreated>().Any(e => e.Value.OrderId == id)),
                () => $"the ledger to record OrderCreated of {id}");
            recorded = shop.Ledger.WithMessageIds<OrderCreated>().Single(e => e.Value.OrderId == id);

            // The same message again (same message id), to every subscriber: each inbox must recognise it.
            await bus.PublishAsync(recorded.Value, new PublishOptions { MessageId = recorded.Key });

            // A second message with the same content (a new message id), to Payment: its charge record must.
            var copy = Guid.NewGuid().ToString();
            await bus.SendAsync(recorded.Value, new SendOptions { Destination = "payment", MessageId = copy });
            copies.Add(copy);
        }

        Assert.Equal("completed", (await shop.WaitForTerminalAsync(early)).Status);
        foreach (var copy in copies)
        {
            await ShopUnderTest.WaitUntilAsync(() => shop.InboxHasAsync("payment", copy), () => $"Payment to handle the copy {copy}");
        }

        var report = await shop.CheckInvariantsAsync(); // among others: no order charged twice, no notification twice
        Assert.Equal(2, report.Completed);
        Assert.Equal(1, shop.Ledger.Of<PaymentProcessed>().Count(p => p.OrderId == late));
        Assert.Equal(1, shop.Ledger.Of<PaymentProcessed>().Count(p => p.OrderId == early));
        Assert.Equal(2, (await shop.Gateway.CountsAsync()).Charges);
        Assert.Empty(shop.Ledger.Of<PaymentRefunded>());
        Assert.Equal(1, shop.Ledger.Of<OrderShipped>().Count(p => p.OrderId == late));
        Assert.Equal(1, shop.Ledger.Of<OrderShipped>().Count(p => p.OrderId == early));
        Assert.Equal(new StockLevelView(100_000 - 1, 1), StockLevelView.Of(await shop.StockAsync("SKU-0006")));
        Assert.Equal(new StockLevelView(100_000 - 3, 3), StockLevelView.Of(await shop.StockAsync("SKU-0007")));
        var analytics = await shop.AnalyticsAsync();
        Assert.Equal(2, analytics.GetProperty("ordersPlaced").GetInt64());
        Assert.Equal(2, analytics.GetProperty("ordersCompleted").GetInt64());
        Assert.Equal(6, (await shop.NotificationsAsync("frank")).Count); // created, charged, shipped: once each per order
    }
}
