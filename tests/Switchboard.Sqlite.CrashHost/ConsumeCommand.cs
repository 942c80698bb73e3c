using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Configuration;

namespace Switchboard.Sqlite.CrashHost;

/// <summary>Consumes the queue until stdin is closed (or the host is told to stop), then stops gracefully.</summary>
internal static class ConsumeCommand
{
    public static async Task<int> RunAsync(HostArguments arguments)
    {
        var builder = CrashHostBuilder.Create(arguments);
        builder.Services.AddSwitchboard(bus => CrashHostBuilder.UseTransport(bus
            .Message<Numbered>(Numbered.Name)
            .Endpoint(arguments.Queue, e => Ordered(e, arguments)
                .Handle<Numbered, NumberedHandler>()
                .Concurrency(4)
                .Prefetch(64)), arguments));
        return await CrashHostBuilder.RunUntilStoppedAsync(builder);
    }

    private static EndpointBuilder Ordered(EndpointBuilder endpoint, HostArguments arguments) =>
        arguments.Keys > 0 ? endpoint.Ordered() : endpoint;
}
