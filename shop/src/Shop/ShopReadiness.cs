using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>How long one answer stands: anyone may ask, and each fresh answer asks every store's database.</summary>
    public static readonly TimeSpan AnswerLifetime = TimeSpan.FromSeconds(1);

    /// <summary>Keeps the health check service's per-probe log lines out of the log (see above); one readiness probe at a time.</summary>
    public static void AddShopReadiness(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter(HealthCheckLogCategory, LogLevel.Critical);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton<ShopHealth.Overall>();
    }

    /// <summary>Maps <c>GET /health/ready</c>.</summary>
    public static void MapShopReadiness(this WebApplication app) =>
        app.MapGet(Path, async (Readiness readiness, CancellationToken cancellationToken) =>
            await readiness.IsReadyAsync(cancellationToken)
                ? Results.Ok(new { status = "ready" })
                : OutageResponses.Unavailable("Not ready", "The service is starting, or cannot reach its broker or database now; it keeps trying."))
            .AllowAnonymous().WithName("GetReadiness");

    /// <summary>The ready-tagged checks, cached (see <see cref="CachedHealth"/>).</summary>
    internal sealed class Readiness(HealthCheckService checks, TimeProvider time)
    {
        private readonly CachedHealth _ready = new(checks, time, c => c.Tags.Contains(SwitchboardHealthChecks.ReadyTag));

        public async Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
            await _ready.StatusAsync(cancellationToken).ConfigureAwait(false) != HealthStatus.Unhealthy;
    }
}
