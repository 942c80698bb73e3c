using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Configuration;

namespace Shop.Infrastructure;

/// <summary>Declares a Shop service's endpoint the way every service has it.</summary>
public static class ShopEndpoints
{
    /// <summary>
    /// Registers <paramref name="database"/> (unless one is), creates the service's tables there at start-up
    /// (<paramref name="tablesSql"/>; null when the service creates them itself), and declares the transactional
    /// endpoint <paramref name="name"/> with <paramref name="options"/>' concurrency and retries and the handlers that
    /// <paramref name="handlers"/> adds.
    /// </summary>
    public static SwitchboardBuilder AddShopEndpoint(
        this SwitchboardBuilder bus,
        string name,
        ShopDatabase database,
        string? tablesSql,
        ShopEndpointOptions options,
        Action<EndpointBuilder> handlers)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handlers);
        bus.Services.TryAddSingleton(database);
        if (tablesSql is not null)
        {
            bus.AddShopTables(database, tablesSql);
        }

        return bus.Endpoint(name, e => handlers(e.Transactional().Concurrency(options.Concurrency).Retry(options.Retry)));
    }
}
