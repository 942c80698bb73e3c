using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Switchboard.Hosting;

namespace Shop;

/// <summary>
/// <c>GET /health/ready</c>, anonymous: whether this process is ready for work, from Switchboard's health checks (the
/// bus connected to its broker and consuming, its stores' databases answering, projections and subscriptions running).
/// 200 with <c>{"status":"ready"}</c>, or 503 with a problem (<c>application/problem+json</c>) that says only "not
/// ready": which server is missing, and why, is in the process's log, never in the answer. <c>GET /health</c> (liveness)
/// answers 200 meanwhile.
/// </summary>
internal static class ShopReadiness
{
    public const string Path = "/health/ready";

    // The answers carry no detail, and the bus logs why it is not ready once per attempt: the health check service's own
    // log line per failing check per probe would only repeat it.
    private const string HealthCheckLogCategory = "Microsoft.Extensions.Diagnostics.HealthChecks";

    /// <summary>Keeps the health check service's per-probe log lines out of the log (see above).</summary>
    public static void AddShopReadiness(this WebApplicationBuilder builder) =>
        builder.Logging.AddFilter(HealthCheckLogCategory, LogLevel.Critical);

    /// <summary>Maps <c>GET /health/ready</c>.</summary>
    public static void MapShopReadiness(this WebApplication app) =>
        app.MapHealthChecks(Path, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(SwitchboardHealthChecks.ReadyTag),
            ResponseWriter = WriteAsync,
        }).AllowAnonymous().WithName("GetReadiness");

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        if (http.Response.StatusCode == StatusCodes.Status200OK)
        {
            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync("""{"status":"ready"}""");
        }

        return OutageResponses.WriteProblemAsync(http, "Not ready", "The service is starting, or cannot reach its broker or database now; it keeps trying.");
    }
}
