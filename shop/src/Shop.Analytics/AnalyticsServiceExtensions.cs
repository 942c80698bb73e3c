using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Switchboard.Configuration;

namespace Shop.Analytics;

/// <summary>Adds the Analytics service to a bus, and its HTTP API to an application.</summary>
public static class AnalyticsServiceExtensions
{
    /// <summary>
    /// Declares the transactional <c>analytics</c> endpoint, subscribed to every Shop event, which records each one once
    /// in <c>analytics_facts</c> (keyed by order and event kind, without an inbox), and creates that table at start-up.
    /// </summary>
    public static SwitchboardBuilder AddAnalyticsService(this SwitchboardBuilder bus, ShopDatabase database, AnalyticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        options ??= new AnalyticsOptions();
        // No inbox: a fact's (order, kind) key already makes every further copy of an event a no-op, redelivered or
        // republished, and the endpoint sends nothing; an inbox record per event would be a second write for the same.
        return bus.AddShopEndpoint("analytics", database, AnalyticsSchema.Sql, options, e => e
            .Transactional(t => t with { Inbox = false })
            .Handle<OrderCreated, AnalyticsHandlers>()
            .Handle<PaymentProcessed, AnalyticsHandlers>()
            .Handle<PaymentFailed, AnalyticsHandlers>()
            .Handle<PaymentRefunded, AnalyticsHandlers>()
            .Handle<InventoryUpdated, AnalyticsHandlers>()
            .Handle<InventoryUpdateFailed, AnalyticsHandlers>()
            .Handle<OrderShipped, AnalyticsHandlers>()
            .Handle<ShipmentCancelled, AnalyticsHandlers>()
            .Handle<OrderCompleted, AnalyticsHandlers>()
            .Handle<OrderFailed, AnalyticsHandlers>()
            .Handle<OrderCancelled, AnalyticsHandlers>());
    }

    /// <summary>Maps <c>GET /analytics</c> for operators (the host adds <c>AddShopHttp</c>): the <see cref="AnalyticsReport"/> as JSON.</summary>
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/analytics", async (ShopDatabase database, CancellationToken cancellationToken) =>
            Results.Ok(await AnalyticsReader.ReadAsync(database, cancellationToken)))
            .RequireAuthorization(ShopPolicies.Operator)
            .WaitsForTokens((reads, token, timeout, ct) => reads.WaitForEndpointAsync("analytics", token, timeout, ct), ShopReadYourWrites.DefaultTimeout)
            .WithName("GetAnalytics")
            .WithTags("Analytics")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }
}
