using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.RabbitMQ;
using Switchboard.Transport;

namespace Switchboard.Sqlite.CrashHost;

/// <summary>
/// Declares the queue, then sends the numbers 50 at a time, printing "sent N" once each send has returned. With keys,
/// the numbers go out one per key at a time, so that each key's are sent in increasing order.
/// </summary>
internal static class ProduceCommand
{
    private const int Concurrency = 50;

    public static async Task<int> RunAsync(HostArguments arguments)
    {
        await DeclareQueueAsync(arguments);
        var builder = CrashHostBuilder.Create(arguments);
        builder.Services.AddSwitchboard(bus =>
        {
            CrashHostBuilder.UseTransport(bus.Message<Numbered>(Numbered.Name), arguments);
            if (arguments.Keys > 0)
            {
                bus.OrderingKey<Numbered>(n => n.Number % arguments.Keys);
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        Output.Line("ready");
        var bus = host.Services.GetRequiredService<IBus>();
        var end = arguments.From + arguments.Count;
        var atOnce = arguments.Keys > 0 ? Math.Min(arguments.Keys, Concurrency) : Concurrency;
        for (var first = arguments.From; first < end; first += atOnce)
        {
            var numbers = Enumerable.Range(first, Math.Min(atOnce, end - first));
            await Task.WhenAll(numbers.Select(n => SendAsync(bus, arguments.Queue, n)));
        }

        Output.Line("done");
        await host.StopAsync();
        return 0;
    }

    private static async Task SendAsync(IBus bus, string queue, int number)
    {
        await bus.SendAsync(queue, new Numbered(number));
        Output.Line($"sent {number}");
    }

    // A producer has no endpoint of its own; the queue must exist before a send to it is accepted.
    private static async Task DeclareQueueAsync(HostArguments arguments)
    {
        await using ITransport transport = arguments.Broker is { } broker
            ? new RabbitMqTransport(CrashHostBuilder.Broker(broker))
            : new SqliteTransport(CrashHostBuilder.Transport(arguments));
        await transport.StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration(arguments.Queue, []) { Ordered = arguments.Keys > 0 });
    }
}
