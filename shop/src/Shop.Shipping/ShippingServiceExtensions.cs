using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard.Configuration;

namespace Shop.Shipping;

/// <summary>Adds the Shipping service to a bus.</summary>
public static class ShippingServiceExtensions
{
    /// <summary>
    /// Declares the transactional <c>shipping</c> endpoint (<see cref="OrderCreated"/> keeps the address and ship-by
    /// deadline, <see cref="InventoryUpdated"/> ships the order once before that deadline and publishes
    /// <see cref="OrderShipped"/>, <see cref="OrderCancelled"/> stops or voids its shipment and then publishes
    /// <see cref="ShipmentCancelled"/>) and creates the service's tables in <paramref name="database"/> at start-up.
    /// The host chooses the transport and store.
    /// </summary>
    public static SwitchboardBuilder AddShippingService(this SwitchboardBuilder bus, ShopDatabase database, ShippingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        options ??= new ShippingOptions();
        bus.Services.TryAddSingleton(TimeProvider.System);
        bus.AddShopTables(database, ShippingSchema.Sql, ShippingSchema.AddedColumns);
        bus.BeforeConsuming((_, cancellationToken) => ShippingSchema.MigrateAsync(database, cancellationToken));
        return bus
            .Publishes<OrderShipped>()
            .Publishes<ShipmentCancelled>()
            .AddShopEndpoint("shipping", database, tablesSql: null, options, e => e
            .Handle<OrderCreated, OrderCreatedHandler>()
            .Handle<InventoryUpdated, InventoryUpdatedHandler>()
            .Handle<OrderCancelled, OrderCancelledHandler>());
    }
}
