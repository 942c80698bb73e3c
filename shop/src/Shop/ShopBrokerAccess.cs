using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard.Configuration;
using Switchboard.RabbitMQ;
using Switchboard.Sqlite;

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
    public static RabbitMqServiceAccess For(string service)
    {
        ShopServices.Validate([service]);
        var collection = new ServiceCollection();
        collection.AddSwitchboard(bus =>
        {
            bus.AddShopMessages();
            ShopServices.Add(service, bus, ShopDatabase.Sqlite(SqliteApplicationDataSource.Create("unused.db")), new ShopHostOptions { Services = [service] });
            bus.UseTransport(_ => throw new InvalidOperationException("This bus is only read, never run."));
        });
        var configuration = collection.Single(d => d.ServiceType == typeof(BusConfiguration)).ImplementationInstance as BusConfiguration
            ?? throw new InvalidOperationException("AddSwitchboard registered no configuration.");
        return RabbitMqServiceAccess.Of(configuration);
    }
}
