using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.RabbitMQ;

namespace Switchboard.Sqlite.CrashHost;

/// <summary>A host whose logs go to stderr only, leaving stdout to the lines the tests parse.</summary>
internal static class CrashHostBuilder
{
    public static HostApplicationBuilder Create(HostArguments arguments)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(arguments);
        return builder;
    }

    /// <summary>Starts the host, prints "ready", runs until stdin closes (or the host is told to stop), stops it gracefully and prints "stopped".</summary>
    public static async Task<int> RunUntilStoppedAsync(HostApplicationBuilder builder)
    {
        using var host = builder.Build();
        await host.StartAsync();
        Output.Line("ready");
        await Task.WhenAny(StandardInput.WaitForEndAsync(), host.WaitForShutdownAsync());
        await host.StopAsync();
        Output.Line("stopped");
        return 0;
    }

    public static SqliteTransportOptions Transport(HostArguments arguments) =>
        new() { Path = arguments.Database, LeaseDuration = arguments.LeaseDuration };

    /// <summary>RabbitMQ when the arguments name a broker, SQLite otherwise.</summary>
    public static SwitchboardBuilder UseTransport(SwitchboardBuilder bus, HostArguments arguments) =>
        arguments.Broker is { } broker ? bus.UseRabbitMq(Broker(broker)) : bus.UseSqlite(Transport(arguments));

    // A short heartbeat, as the RabbitMQ tests use: a survivor's connection that went silent is noticed within the test.
    public static RabbitMqTransportOptions Broker(Uri broker) =>
        new() { Uri = broker, Heartbeat = TimeSpan.FromSeconds(5) };
}
