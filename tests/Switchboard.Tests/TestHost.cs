using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.InMemory;

namespace Switchboard.Tests;

/// <summary>Starts a bus on a fresh in-memory network for a core test.</summary>
internal static class TestHost
{
    public static async Task<IHost> StartAsync(Action<SwitchboardBuilder> configure, Action<IServiceCollection>? services = null, InMemoryNetwork? network = null, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        services?.Invoke(builder.Services);
        var net = network ?? new InMemoryNetwork();
        builder.Services.AddSwitchboard(bus =>
        {
            bus.UseInMemory(net);
            configure(bus);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }
}
