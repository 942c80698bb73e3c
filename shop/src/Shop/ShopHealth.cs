using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Http;

namespace Shop;

/// <summary>A shop process's health endpoints.</summary>
internal static class ShopHealth
{
    /// <summary>
    /// <c>GET /health</c>, anonymous liveness: 200 <c>{"status":"ok"}</c> while the process serves, also before it is
    /// ready (<c>GET /health/ready</c>, <see cref="ShopReadiness"/>), and nothing else. <c>GET /health/details</c>, for operators:
    /// the services it runs, its transport and store, its process id and the messages its endpoints handled, failed
    /// and dead-lettered, so that a caller can see which instance of a service took part (competing consumers on one queue).
    /// </summary>
    public static void MapShopHealth(this IEndpointRouteBuilder routes, ShopHostOptions options)
    {
        var handled = routes.ServiceProvider.GetRequiredService<HandledMessages>();
        routes.MapGet("/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous().WithName("GetHealth");
        routes.MapGet("/health/details", () => Results.Ok(new
        {
            status = "ok",
            services = options.Services,
            transport = ShopChoices.Name(options.Transport),
            store = ShopChoices.Name(options.Store),
            processId = Environment.ProcessId,
            handled = handled.ByEndpoint(),
            failedAttempts = handled.FailedAttempts,
            deadLettered = handled.DeadLettered,
        })).RequireAuthorization(ShopPolicies.Operator).WithName("GetHealthDetails");
    }
}
