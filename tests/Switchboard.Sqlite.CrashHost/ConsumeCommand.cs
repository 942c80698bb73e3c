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
            .Endpoint(arguments.Queue, e => WithPoison(Ordered(e, arguments), arguments)
                .Handle<Numbered, NumberedHandler>()
                .Concurrency(4)
                .Prefetch(64)), arguments));
        return await CrashHostBuilder.RunUntilStoppedAsync(builder);
    }

    private static EndpointBuilder Ordered(EndpointBuilder endpoint, HostArguments arguments) =>
        arguments.Keys > 0 ? endpoint.Ordered() : endpoint;

    // A poison message is dead-lettered at its first failure, so that its key parks at once (on an ordered endpoint).
    private static EndpointBuilder WithPoison(EndpointBuilder endpoint, HostArguments arguments) =>
        arguments.PoisonFile is null ? endpoint : endpoint.Retry(RetryPolicy.None);
}
