using Shop.Contracts;

namespace Shop.EndToEnd.Tests;

/// <summary>More buyers than units: the stock decides, each buyer gets a clear outcome, and the money follows.</summary>
public sealed class ContentionTests
{
    private const string Scarce = "SKU-0010"; // 20 units

    [Fact]
    public async Task Twenty_concurrent_orders_for_the_last_five_units_complete_five_and_refund_fifteen()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        // Bring the SKU down to 5 available: three completed orders of 5 units.
        var earlier = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            earlier.Add(await shop.PlaceAsync($"early-{i}", "tok_visa", new Line(Scarce, 5)));
        }

        foreach (var id in earlier)
        {
            Assert.Equal("completed", (await shop.WaitForTerminalAsync(id)).Status);
        }

        Assert.Equal(new StockLevelView(5, 15), StockLevelView.Of(await shop.StockAsync(Scarce)));

        // Twenty buyers of one unit each, all at once.
        var racing = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => shop.PlaceAsync($"buyer-{i:D2}", "tok_visa", new Line(Scarce, 1))));
        Assert.Equal(20, racing.Distinct().Count());
        var outcomes = await Task.WhenAll(racing.Select(shop.WaitForTerminalAsync));

        var report = await shop.CheckInvariantsAsync(); // among others: stock never negative and conserved, each failed charge refunded once
        var completed = outcomes.Where(o => o.Status == "completed").Select(o => o.Id).ToHashSet();
        var failed = outcomes.Where(o => o.Status == "failed").ToList();
        Assert.Equal(5, completed.Count);
        Assert.Equal(15, failed.Count);
        Assert.All(failed, o => Assert.Contains("out of stock", o.Reason, StringComparison.Ordinal));
        Assert.Equal(8, report.Completed);
        Assert.Equal(15, report.Failed);

        // Every buyer was charged; exactly the fifteen who got nothing were refunded, once each.
        Assert.Equal(23, shop.Ledger.Of<PaymentProcessed>().Count());
        var refunded = shop.Ledger.Of<PaymentRefunded>().Select(r => r.OrderId).ToList();
        Assert.Equal(15, refunded.Count);
        Assert.Equal(failed.Select(o => o.Id).Order(), refunded.Order());
        Assert.Equal((23L, 15L), await shop.Gateway.CountsAsync());
        foreach (var order in failed)
        {
            Assert.Contains((await shop.NotificationsAsync(order.CustomerId)), n => n.Kind == "payment-refunded" && n.OrderId == order.Id);
        }

        // Sold out, never below zero, every unit accounted for.
        Assert.Equal(new StockLevelView(0, 20), StockLevelView.Of(await shop.StockAsync(Scarce)));
        Assert.Equal(8, shop.Ledger.Of<InventoryUpdated>().Count());
        Assert.Equal(15, shop.Ledger.Of<InventoryUpdateFailed>().Count());
    }
}
