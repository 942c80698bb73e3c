using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard.Configuration;
using Switchboard.Sqlite;

namespace Shop;

/// <summary>
/// A Shop service's bus configuration as the service's own code sets it up (<c>Add…Service</c>), built without running
/// it: no transport, no database opened. What the other services' processes do on the bus, known from here, for the
/// broker's permissions (<see cref="ShopBrokerAccess"/>) and the AsyncAPI document (<see cref="ShopAsyncApi"/>).
/// </summary>
public static class ShopBuses
{
    /// <summary>The configuration of <paramref name="service"/> (a name in <see cref="ShopServices.Names"/>) running alone.</summary>
    public static BusConfiguration Of(string service)
    {
        ShopServices.Validate([service]);
        var collection = new ServiceCollection();
        collection.AddSwitchboard(bus =>
        {
            bus.AddShopMessages();
            ShopServices.Add(service, bus, ShopDatabase.Sqlite(SqliteApplicationDataSource.Create("unused.db")), new ShopHostOptions { Services = [service] });
            bus.UseTransport(_ => throw new InvalidOperationException("This bus is only read, never run."));
        });
        return collection.Single(d => d.ServiceType == typeof(BusConfiguration)).ImplementationInstance as BusConfiguration
            ?? throw new InvalidOperationException("AddSwitchboard registered no configuration.");
    }
}
