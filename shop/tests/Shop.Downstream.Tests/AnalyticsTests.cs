using System.Net.Http.Json;
using System.Text.Json;
using Shop.Analytics;
using Shop.Contracts;
using Switchboard;

namespace Shop.Downstream.Tests;

public sealed class AnalyticsTests
{
    private static Task<ServiceHost> StartAsync() =>
        ServiceHost.StartAsync((bus, db) => bus.AddAnalyticsService(db), app => app.MapAnalyticsApi());

    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();
    private static readonly Guid C = Guid.NewGuid();
    private static readonly Guid D = Guid.NewGuid();
    private static readonly Guid E = Guid.NewGuid();

    /// <summary>
    /// A and B shipped and completed (1 s and 3 s after their orders), C declined, D out of stock and refunded, E shipped
    /// but cancelled, its shipment voided (it counts neither as shipped nor in the time to ship).
    /// </summary>
    private static (object Message, string Id)[] Flow()
    {
        var t = Orders.T0;
        object[] events =
        [
            Orders.Created(A, at: t, total: 100m),
            new PaymentProcessed(A, "pay-a", 100m, Catalog.Currency, [], t.AddMilliseconds(200)),
            new InventoryUpdated(A, [], t.AddMilliseconds(400)),
            new OrderShipped(A, "shp-a", "SB0000000001", t.AddSeconds(1)),
            new OrderCompleted(A, t.AddSeconds(1.1)),
            Orders.Created(B, at: t.AddSeconds(10), total: 50m),
            new PaymentProcessed(B, "pay-b", 50m, Catalog.Currency, [], t.AddSeconds(11)),
            new InventoryUpdated(B, [], t.AddSeconds(12)),
            new OrderShipped(B, "shp-b", "SB0000000002", t.AddSeconds(13)),
            new OrderCompleted(B, t.AddSeconds(13.1)),
            Orders.Created(C, at: t.AddSeconds(70)),
            new PaymentFailed(C, "card declined", t.AddSeconds(71)),
            new OrderFailed(C, "card declined", t.AddSeconds(72)),
            Orders.Created(D, at: t.AddSeconds(80), total: 20.5m),
            new PaymentProcessed(D, "pay-d", 20.5m, Catalog.Currency, [], t.AddSeconds(81)),
            new InventoryUpdateFailed(D, "out of stock: SKU-0010", t.AddSeconds(82)),
            new PaymentRefunded(D, "pay-d", 20.5m, Catalog.Currency, "out of stock: SKU-0010", t.AddSeconds(83)),
            new OrderFailed(D, "out of stock: SKU-0010", t.AddSeconds(83)),
            Orders.Created(E, at: t.AddSeconds(200)),
            new OrderShipped(E, "shp-e", "SB0000000005", t.AddSeconds(201)),
            new OrderCancelled(E, "timed out", t.AddSeconds(500)),
            new ShipmentCancelled(E, "shp-e", "timed out", t.AddSeconds(501)),
        ];
        return [.. events.Select(e => (e, Guid.NewGuid().ToString()))];
    }

    [Fact]
    public async Task A_flow_of_events_gives_the_counts_revenue_reasons_and_times()
    {
        await using var host = await StartAsync();
        var flow = Flow();
        foreach (var (message, id) in flow)
        {
            await PublishAsync(host.Bus, message, id);
        }

        await ServiceHost.WaitUntilAsync(async () => await host.ScalarAsync("SELECT COUNT(*) FROM analytics_facts") == flow.Length);
        AssertFigures(await AnalyticsReader.ReadAsync(host.Database));
    }

    [Fact]
    public async Task Redelivered_and_republished_events_are_not_counted_twice()
    {
        await using var host = await StartAsync();
        var flow = Flow();
        foreach (var (message, id) in flow)
        {
            await PublishAsync(host.Bus, message, id);
        }

        foreach (var (message, id) in flow)
        {
            await PublishAsync(host.Bus, message, id);                          // the same message again
            await PublishAsync(host.Bus, message, Guid.NewGuid().ToString());   // the same event published twice
        }

        await host.DrainedAsync("analytics");
        Assert.Equal(flow.Length, await host.ScalarAsync("SELECT COUNT(*) FROM analytics_facts"));
        AssertFigures(await AnalyticsReader.ReadAsync(host.Database));
    }

    [Fact]
    public async Task Get_analytics_returns_the_figures_as_json()
    {
        await using var host = await StartAsync();
        var flow = Flow();
        foreach (var (message, id) in flow)
        {
            await PublishAsync(host.Bus, message, id);
        }

        await ServiceHost.WaitUntilAsync(async () => await host.ScalarAsync("SELECT COUNT(*) FROM analytics_facts") == flow.Length);
        var json = await host.Operator.GetFromJsonAsync<JsonElement>("/analytics");
        Assert.Equal(5, json.GetProperty("ordersPlaced").GetInt64());
        Assert.Equal(2, json.GetProperty("ordersCompleted").GetInt64());
        Assert.Equal(170.5m, json.GetProperty("revenueCaptured").GetDecimal());
        Assert.Equal(20.5m, json.GetProperty("revenueRefunded").GetDecimal());
        Assert.Equal(3000, json.GetProperty("timeToShip").GetProperty("p95Milliseconds").GetDouble());
        Assert.Equal(4, json.GetProperty("failureReasons").GetArrayLength());
        Assert.Equal(1.25, json.GetProperty("ordersPerMinute").GetProperty("average").GetDouble());

        var report = await host.Operator.GetFromJsonAsync<AnalyticsReport>("/analytics");
        AssertFigures(report!);
    }

    private static void AssertFigures(AnalyticsReport report)
    {
        Assert.Equal(5, report.OrdersPlaced);
        Assert.Equal(2, report.OrdersCompleted);
        Assert.Equal(2, report.OrdersFailed);
        Assert.Equal(1, report.OrdersCancelled);
        Assert.Equal(2, report.OrdersShipped);
        Assert.Equal(1, report.ShipmentsCancelled);
        Assert.Equal(170.5m, report.RevenueCaptured);
        Assert.Equal(20.5m, report.RevenueRefunded);
        Assert.Equal(150m, report.NetRevenue);
        Assert.Equal(
            [
                new FailureReasonCount("inventory-update-failed", "out of stock: SKU-0010", 1),
                new FailureReasonCount("order-failed", "card declined", 1),
                new FailureReasonCount("order-failed", "out of stock: SKU-0010", 1),
                new FailureReasonCount("payment-failed", "card declined", 1),
            ],
            report.FailureReasons);
        Assert.Equal(new TimeToShip(2, 1000, 3000), report.TimeToShip);
        Assert.Equal(1.25, report.OrdersPerMinute.Average);
        Assert.Equal([2L, 2, 0, 1], report.OrdersPerMinute.LastMinutes.Select(m => m.Orders));
        Assert.Equal(Orders.T0, report.OrdersPerMinute.LastMinutes[0].Minute);
        Assert.Equal(22, report.Events.Values.Sum());
        Assert.Equal(11, report.Events.Count);
        Assert.Contains("orders placed 5", report.ToText(), StringComparison.Ordinal);
    }

    private static ValueTask PublishAsync(IBus bus, object message, string id)
    {
        var options = new PublishOptions { MessageId = id };
        return message switch
        {
            OrderCreated m => bus.PublishAsync(m, options),
            PaymentProcessed m => bus.PublishAsync(m, options),
            PaymentFailed m => bus.PublishAsync(m, options),
            PaymentRefunded m => bus.PublishAsync(m, options),
            InventoryUpdated m => bus.PublishAsync(m, options),
            InventoryUpdateFailed m => bus.PublishAsync(m, options),
            OrderShipped m => bus.PublishAsync(m, options),
            ShipmentCancelled m => bus.PublishAsync(m, options),
            OrderCompleted m => bus.PublishAsync(m, options),
            OrderFailed m => bus.PublishAsync(m, options),
            OrderCancelled m => bus.PublishAsync(m, options),
            _ => throw new ArgumentOutOfRangeException(nameof(message)),
        };
    }
}
