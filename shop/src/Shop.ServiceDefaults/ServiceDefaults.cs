using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Switchboard.OpenTelemetry;

namespace Shop.ServiceDefaults;

/// <summary>
/// The defaults every Shop service process starts with. Telemetry: Switchboard's spans and metrics (one order is one
/// trace across every service), ASP.NET Core's and HttpClient's, the runtime's metrics, and logs as OpenTelemetry log
/// records. It leaves the process only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector (the Aspire AppHost
/// sets it to its dashboard; <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> name the process), so a
/// shop without one pays only for the instruments that are listened to.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>The environment variable that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds the defaults to a host's services.</summary>
    public static IHostApplicationBuilder AddShopServiceDefaults(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddSwitchboardInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSwitchboardInstrumentation()
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
