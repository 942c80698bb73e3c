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
    /// Declares the transactional <c>shipping</c> endpoint (<see cref="OrderCreated"/> keeps the address,
    /// <see cref="InventoryUpdated"/> ships the order once and publishes <see cref="OrderShipped"/>) and creates the
    /// service's tables in <paramref name="database"/> at start-up. The host chooses the transport and store.
    /// </summary>
    public static SwitchboardBuilder AddShippingService(this SwitchboardBuilder bus, ShopDatabase database, ShippingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        options ??= new ShippingOptions();
        return bus
            .Publishes<OrderShipped>()
            .AddShopEndpoint("shipping", database, ShippingSchema.Sql, options, e => e
            .Handle<OrderCreated, OrderCreatedHandler>()
            .Handle<InventoryUpdated, InventoryUpdatedHandler>());
    }
}
