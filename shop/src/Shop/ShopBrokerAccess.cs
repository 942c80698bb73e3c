using Switchboard.RabbitMQ;

namespace Shop;

/// <summary>
/// What each Shop service does on the broker, read from the very code that sets up its bus: the endpoint and the
/// events its handlers subscribe to (<c>Handle&lt;T&gt;</c>), the events it declares it publishes
/// (<c>Publishes&lt;T&gt;</c>, which <see cref="ShopHost"/> enforces), and its routes. A new event is one line in
/// the service's <c>Add…Service</c>, and its permission follows.
/// </summary>
public static class ShopBrokerAccess
{
    /// <summary>The broker access of <paramref name="service"/> (a name in <see cref="ShopServices.Names"/>).</summary>
    public static RabbitMqServiceAccess For(string service) => RabbitMqServiceAccess.Of(ShopBuses.Of(service));
}
