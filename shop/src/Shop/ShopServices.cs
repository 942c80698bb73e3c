using Microsoft.AspNetCore.Routing;
using Shop.Analytics;
using Shop.Infrastructure;
using Shop.Inventory;
using Shop.Notification;
using Shop.Order;
using Shop.Payment;
using Shop.Shipping;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.PostgreSql;
using Switchboard.Sqlite;

namespace Shop;

/// <summary>Shop's six services by name: what each adds to the bus and which HTTP API it maps.</summary>
public static class ShopServices
{
    private static readonly Dictionary<string, (Action<SwitchboardBuilder, ShopDatabase, ShopHostOptions> Add, Action<IEndpointRouteBuilder>? Map)> All = new(StringComparer.Ordinal)
    {
        ["order"] = ((bus, db, o) => bus.AddOrderService(db, OrderSettings(o)), routes => routes.MapOrderApi()),
        ["payment"] = ((bus, db, o) => AddPayment(bus, db, o), null),
        ["inventory"] = ((bus, db, o) => bus.AddInventoryService(db, Sized(new InventoryOptions(), o)), routes => routes.MapInventoryApi()),
        ["shipping"] = ((bus, db, o) => bus.AddShippingService(db, Sized(new ShippingOptions(), o)), null),
        ["notification"] = ((bus, db, o) => bus.AddNotificationService(db, Sized(o.NotificationRetry is { } retry ? new NotificationOptions { Smtp = o.Smtp, Retry = retry } : new NotificationOptions { Smtp = o.Smtp }, o)), routes => routes.MapNotificationApi()),
        ["analytics"] = ((bus, db, o) => bus.AddAnalyticsService(db, Sized(new AnalyticsOptions(), o)), routes => routes.MapAnalyticsApi()),
    };

    // The simulated gateway remembers its charges outside Shop's processes (PersistentPaymentGateway): a refund after a
    // restart, or by another Payment instance, finds the charge.
    private static void AddPayment(SwitchboardBuilder bus, ShopDatabase database, ShopHostOptions options)
    {
        var payment = Sized(new PaymentOptions { GatewayMinLatency = options.GatewayLatency, GatewayMaxLatency = options.GatewayLatency }, options);
        var gateway = database.Kind == ShopDatabaseKind.PostgreSql
            ? ShopDatabase.PostgreSql(PostgreSqlApplicationDataSource.Create(options.Postgres!, PersistentPaymentGateway.Schema), PersistentPaymentGateway.Schema)
            : ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(Path.Combine(options.DataDirectory, PersistentPaymentGateway.SqliteFileName)));
        bus.Services.AddSingleton<IPaymentGateway>(sp => new PersistentPaymentGateway(gateway, new SimulatedPaymentGateway(payment, sp.GetRequiredService<TimeProvider>())));

        // WAL on SQLite: Payment processes sharing the file read while one of them writes.
        bus.AddShopTables(gateway, (gateway.Kind == ShopDatabaseKind.Sqlite ? "PRAGMA journal_mode = WAL;\n" : "") + PersistentPaymentGateway.TablesSql);
        bus.AddPaymentService(database, payment);
    }

    private static OrderOptions OrderSettings(ShopHostOptions options)
    {
        var order = new OrderOptions();
        order = options.StuckOrderTimeout is { } timeout ? order with { StuckOrderTimeout = timeout } : order;
        return options.Concurrency is { } concurrency ? order with { Concurrency = concurrency } : order;
    }

    private static T Sized<T>(T service, ShopHostOptions options)
        where T : ShopEndpointOptions =>
        options.Concurrency is { } concurrency ? (T)(service with { Concurrency = concurrency }) : service;

    /// <summary>Every service name, in the order of the event flow.</summary>
    public static IReadOnlyList<string> Names { get; } = ["order", "payment", "inventory", "shipping", "notification", "analytics"];

    /// <summary>Adds the service <paramref name="name"/> to the bus.</summary>
    public static void Add(string name, SwitchboardBuilder bus, ShopDatabase database, ShopHostOptions options) => All[name].Add(bus, database, options);

    /// <summary>Maps the service's API, if it has one.</summary>
    public static void Map(string name, IEndpointRouteBuilder routes) => All[name].Map?.Invoke(routes);

    /// <summary>Throws for names that are not services.</summary>
    public static void Validate(IEnumerable<string> names)
    {
        var unknown = names.Where(n => !All.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown service(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Names)}.");
        }
    }
}
