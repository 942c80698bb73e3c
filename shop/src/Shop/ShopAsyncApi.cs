using System.Reflection;
using Switchboard.AsyncApi;
using Switchboard.Configuration;

namespace Shop;

/// <summary>
/// Shop's AsyncAPI document (<c>GET /asyncapi.json</c>): the whole system's channels, operations and messages, the same
/// from every process. A process describes its own bus and, for each service it does not run, that service's bus as the
/// service's code sets it up (<see cref="ShopBuses"/>): in the embedded default that is one bus with all six services,
/// in the distributed mode one bus per process, and both describe the same system (ShopAsyncApiTests checks it).
/// </summary>
public static class ShopAsyncApi
{
    /// <summary>The document's title, description and servers: the broker's host and vhost on RabbitMQ, never its user; none on SQLite, which is a file.</summary>
    public static AsyncApiInfo Info(ShopHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var version = typeof(ShopAsyncApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";
        return new AsyncApiInfo("Shop", version)
        {
            Description = "The events Shop's six services (order, payment, inventory, shipping, notification, analytics) publish and handle, "
                + "generated from the code that sets up their buses. Every Shop process serves this whole document, whichever services it runs.",
            Servers = options.Transport == ShopTransport.RabbitMq && options.RabbitMq is { } broker
                ? [AsyncApiServer.FromUri("rabbitmq", broker, "RabbitMQ: a topic is a routing key on the topic exchange sb.events; a queue is reached through its send exchange sb.send.{queue}.")]
                : [],
        };
    }

    /// <summary>The buses of the whole system: <paramref name="own"/> (this process's, running <paramref name="services"/>) and every other service's.</summary>
    public static IEnumerable<BusConfiguration> Buses(BusConfiguration own, IReadOnlyCollection<string> services) =>
        [own, .. ShopServices.Names.Where(s => !services.Contains(s)).Select(ShopBuses.Of)];
}
