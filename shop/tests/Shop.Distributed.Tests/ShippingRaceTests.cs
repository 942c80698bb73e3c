using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Infrastructure;
using Shop.Shipping;
using Switchboard;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.PostgreSql;

namespace Shop.Distributed.Tests;

/// <summary>
/// Shipping on PostgreSQL (READ COMMITTED), where a shipment and a cancellation of one order handled at the same moment
/// must still end in one decision: either the cancellation came first and nothing shipped, or the shipment came first
/// and was voided, with exactly one <see cref="ShipmentCancelled"/> for its one <see cref="OrderShipped"/>. Never a
/// shipment that stands for a cancelled order.
/// </summary>
public sealed class ShippingRaceTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Orders = 60;
    private readonly string _database = "shop_race_" + Guid.NewGuid().ToString("N")[..12];
    private readonly InMemoryNetwork _network = new();
    private IHost? _host;

    public Task InitializeAsync() => TestServers.CreateDatabaseAsync(_database);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        _network.Dispose();
        await TestServers.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task A_shipment_and_a_cancellation_handled_at_once_end_in_one_decision()
    {
        var connection = TestServers.PostgresConnectionFor(_database, maxPoolSize: 20);
        var database = ShopDatabase.PostgreSql(PostgreSqlApplicationDataSource.Create(connection, "shop_shipping"), "shop_shipping");
        var received = new Received();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(received);
        builder.Services.AddSwitchboard(bus => bus
            .AddShopMessages()
            .UseInMemory(_network)
            .UsePostgreSqlStore(connection, o => o with { Schema = "shop_shipping" })
            .AddShippingService(database, new ShippingOptions { Concurrency = 16 })
            .Endpoint("probe", e => e.Handle<OrderShipped, Probe>().Handle<ShipmentCancelled, Probe>()));
        _host = builder.Build();
        await _host.StartAsync();
        var bus = _host.Services.GetRequiredService<IBus>();

        var orders = Enumerable.Range(0, Orders).Select(_ => Guid.NewGuid()).ToList();
        var address = new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", "GB");
        foreach (var order in orders)
        {
            await bus.PublishAsync(new OrderCreated(order, "race", "race@example.com", [new OrderLine("SKU-0001", 1, 8.50m)], 8.50m, Catalog.Currency, "tok_visa", address, DateTimeOffset.UtcNow));
        }

        await WaitUntilAsync(async () => Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM shipping_orders", []), System.Globalization.CultureInfo.InvariantCulture) == Orders, "every address");

        // The reservation and the cancellation of each order, published together: Shipping handles them concurrently.
        await Task.WhenAll(orders.Select(async order =>
        {
            var now = DateTimeOffset.UtcNow;
            await Task.WhenAll(
                bus.PublishAsync(new InventoryUpdated(order, [new OrderLine("SKU-0001", 1, 8.50m)], now)).AsTask(),
                bus.PublishAsync(new OrderCancelled(order, "not completed in time", now)).AsTask());
        }));

        // Every order decided for good: cancelled before shipping, or shipped and then voided (and said so).
        string Wrong() => string.Join(", ", orders.Select(o => (Order: o, Shipped: received.Shipped(o), Voided: received.Voided(o)))
            .Where(o => o.Shipped != o.Voided).Select(o => $"{o.Order}: shipped {o.Shipped}, voided {o.Voided}"));
        await WaitUntilAsync(
            async () => Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE outcome IN ('cancelled', 'voided')", []), System.Globalization.CultureInfo.InvariantCulture) == Orders
                && Wrong().Length == 0,
            "every order cancelled or its shipment voided; wrong so far: " + Wrong());

        Assert.Equal(0, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE outcome = 'shipped'", []), System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"{orders.Count(o => received.Voided(o) == 1)} shipped then voided, {orders.Count(o => received.Shipped(o) == 0)} cancelled before shipping");
        Assert.All(orders, order => Assert.True(received.Shipped(order) <= 1));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "Timed out waiting for " + what);
            await Task.Delay(100);
        }
    }

    // Each event once per message id (a redelivered copy is not a second event).
    private sealed class Received
    {
        private readonly ConcurrentDictionary<string, object> _byMessageId = new(StringComparer.Ordinal);

        public void Add(string messageId, object message) => _byMessageId.TryAdd(messageId, message);

        public int Shipped(Guid order) => _byMessageId.Values.OfType<OrderShipped>().Count(s => s.OrderId == order);

        public int Voided(Guid order) => _byMessageId.Values.OfType<ShipmentCancelled>().Count(v => v.OrderId == order);
    }

    private sealed class Probe(Received received) : IMessageHandler<OrderShipped>, IMessageHandler<ShipmentCancelled>
    {
        public ValueTask HandleAsync(OrderShipped message, IMessageContext context, CancellationToken cancellationToken)
        {
            received.Add(context.MessageId, message);
            return ValueTask.CompletedTask;
        }

        public ValueTask HandleAsync(ShipmentCancelled message, IMessageContext context, CancellationToken cancellationToken)
        {
            received.Add(context.MessageId, message);
            return ValueTask.CompletedTask;
        }
    }
}
