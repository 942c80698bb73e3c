using Switchboard.Configuration;

namespace Shop.Infrastructure;

/// <summary>Creates a service's own tables at start-up, before the bus consumes (registered inside the service's <c>Add…Service</c>).</summary>
public static class ShopTables
{
    /// <summary>
    /// Runs <paramref name="ddl"/> (idempotent <c>CREATE … IF NOT EXISTS</c>) on <paramref name="database"/> when the bus
    /// starts, before its endpoints consume (<see cref="SwitchboardBuilder.BeforeConsuming"/>): while the database cannot
    /// be reached, it is tried again with the bus's own start, in the background.
    /// </summary>
    public static SwitchboardBuilder AddShopTables(this SwitchboardBuilder bus, ShopDatabase database, string ddl)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        return bus.BeforeConsuming((_, cancellationToken) => database.ExecuteAsync(ddl, cancellationToken));
    }
}
