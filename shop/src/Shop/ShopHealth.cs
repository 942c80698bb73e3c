using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.Http;

namespace Shop;

/// <summary>A shop process's health endpoints.</summary>
internal static class ShopHealth
{
    /// <summary>
    /// <c>GET /health/live</c>, anonymous liveness: 200 <c>{"status":"ok"}</c> while the process serves, also before it is
    /// ready, and nothing else. <c>GET /health</c>, anonymous: every health check (readiness, and the flow checks with
    /// their thresholds: outbox age, dead-letter growth, subscription lag), cached like readiness: 200
    /// <c>{"status":"healthy"}</c> or <c>{"status":"degraded"}</c>, 503 with a problem when one is unhealthy, and no
    /// detail. <c>GET /health/details</c>, for operators: each check's status, description and figures, the services
    /// the process runs, its transport and store, its process id and the messages its endpoints handled, failed and
    /// dead-lettered, so that a caller can see which instance of a service took part (competing consumers on one queue).
    /// </summary>
    public static void MapShopHealth(this IEndpointRouteBuilder routes, ShopHostOptions options)
    {
        var handled = routes.ServiceProvider.GetRequiredService<HandledMessages>();
        routes.MapGet("/health/live", () => Results.Ok(new { status = "ok" })).AllowAnonymous().WithName("GetLiveness");
        routes.MapGet("/health", async (Overall overall, CancellationToken cancellationToken) =>
            await overall.StatusAsync(cancellationToken).ConfigureAwait(false) switch
            {
                HealthStatus.Healthy => Results.Ok(new { status = "healthy" }),
                HealthStatus.Degraded => Results.Ok(new { status = "degraded" }),
                _ => OutageResponses.Unavailable("Unhealthy", "A health check of this process fails; operators see which in /health/details."),
            }).AllowAnonymous().WithName("GetHealth");
        routes.MapGet("/health/details", async (HealthCheckService checks, CancellationToken cancellationToken) =>
        {
            var report = await checks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return Results.Ok(new
            {
                status = Name(report.Status),
                checks = report.Entries.Select(e => new { name = e.Key, status = Name(e.Value.Status), description = e.Value.Description, data = e.Value.Data }),
                services = options.Services,
                transport = ShopChoices.Name(options.Transport),
                store = ShopChoices.Name(options.Store),
                processId = Environment.ProcessId,
                handled = handled.ByEndpoint(),
                failedAttempts = handled.FailedAttempts,
                deadLettered = handled.DeadLettered,
            });
        }).RequireAuthorization(ShopPolicies.Operator).WithName("GetHealthDetails");
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>Every health check, cached (see <see cref="CachedHealth"/>).</summary>
    internal sealed class Overall(HealthCheckService checks, TimeProvider time)
    {
        private readonly CachedHealth _all = new(checks, time, _ => true);

        public Task<HealthStatus> StatusAsync(CancellationToken cancellationToken) => _all.StatusAsync(cancellationToken);
    }
}
