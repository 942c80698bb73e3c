using Switchboard.Configuration;

namespace Shop.Infrastructure;

/// <summary>A nullable column that a later version of a service added to one of its tables.</summary>
/// <param name="Table">The table.</param>
/// <param name="Name">The column.</param>
/// <param name="Type">Its SQL type (it must allow NULL: rows written before it have none).</param>
public sealed record AddedColumn(string Table, string Name, string Type);

/// <summary>Creates a service's own tables at start-up, before the bus consumes (registered inside the service's <c>Add…Service</c>).</summary>
public static class ShopTables
{
    /// <summary>
    /// Runs <paramref name="ddl"/> (idempotent <c>CREATE … IF NOT EXISTS</c>) on <paramref name="database"/> when the bus
    /// starts, before its endpoints consume (<see cref="SwitchboardBuilder.BeforeConsuming"/>), then adds each of
    /// <paramref name="addedColumns"/> to a table that an earlier version created without it. While the database cannot
    /// be reached, it is tried again with the bus's own start, in the background.
    /// </summary>
    public static SwitchboardBuilder AddShopTables(this SwitchboardBuilder bus, ShopDatabase database, string ddl, params IReadOnlyList<AddedColumn> addedColumns)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        return bus.BeforeConsuming(async (_, cancellationToken) =>
        {
            await database.ExecuteAsync(ddl, cancellationToken).ConfigureAwait(false);
            foreach (var column in addedColumns)
            {
                await database.AddColumnIfMissingAsync(column.Table, column.Name, column.Type, cancellationToken).ConfigureAwait(false);
            }
        });
    }
}
