using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Hosting;

/// <summary>Builds and starts the generic host that runs a bus. Logs go to stderr, warnings and above only.</summary>
public static class BenchmarkHost
{
    /// <summary>Starts a host with the bus configured by <paramref name="bus"/>; the bus's hosted service starts the endpoints.</summary>
    public static async Task<IHost> StartAsync(
        Action<IServiceCollection> services,
        Action<SwitchboardBuilder> bus,
        bool withLogging,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        if (withLogging)
        {
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        services(builder.Services);
        builder.Services.AddSwitchboard(bus);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
