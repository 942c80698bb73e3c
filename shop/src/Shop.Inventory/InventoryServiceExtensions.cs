using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Switchboard.Configuration;

namespace Shop.Inventory;

/// <summary>Adds Shop's Inventory service to a bus, and its HTTP API to a web application.</summary>
public static class InventoryServiceExtensions
{
    /// <summary>
    /// Declares the transactional <c>inventory</c> endpoint (reserves on <see cref="PaymentProcessed"/>, releases on
    /// <see cref="OrderCancelled"/>) and its tables in <paramref name="database"/>, created at start-up with the stock of
    /// <see cref="InventoryOptions.Products"/> seeded where a SKU has none. The host chooses the transport and store.
    /// </summary>
    public static SwitchboardBuilder AddInventoryService(this SwitchboardBuilder bus, ShopDatabase database, InventoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        var settings = new InventorySettings(database, options ?? new InventoryOptions());
        bus.Services.TryAddSingleton(TimeProvider.System);
        bus.Services.AddSingleton(settings);
        bus.BeforeConsuming((_, cancellationToken) => new InventorySchema(settings).CreateAsync(cancellationToken));
        return bus
            .Publishes<InventoryUpdated>()
            .Publishes<InventoryUpdateFailed>()
            .AddShopEndpoint("inventory", database, tablesSql: null, settings.Options, e => e
            .Handle<PaymentProcessed, ReserveStockHandler>()
            .Handle<OrderCancelled, ReleaseStockHandler>());
    }

    /// <summary>Maps <c>GET /inventory</c> for operators (the host adds <c>AddShopHttp</c>): every SKU with its name, available and reserved units, ordered by SKU.</summary>
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var settings = routes.ServiceProvider.GetService<InventorySettings>()
            ?? throw new InvalidOperationException("MapInventoryApi needs the Inventory service: call AddInventoryService(...) on the bus.");
        routes.MapGet("/inventory", (CancellationToken cancellationToken) => ListAsync(settings, cancellationToken))
            .RequireAuthorization(ShopPolicies.Operator)
            .WithName("GetInventory")
            .WithTags("Inventory")
            .Produces<IReadOnlyList<InventoryItem>>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static async Task<IResult> ListAsync(InventorySettings settings, CancellationToken cancellationToken)
    {
        var names = settings.Options.Products.ToDictionary(p => p.Sku, p => p.Name, StringComparer.Ordinal);
        var items = new List<InventoryItem>();
        await using var connection = await settings.Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(null, "SELECT sku, available, reserved FROM inventory_stock ORDER BY sku");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sku = reader.GetString(0);
            items.Add(new InventoryItem(sku, names.GetValueOrDefault(sku, string.Empty), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return Results.Ok(items);
    }
}
