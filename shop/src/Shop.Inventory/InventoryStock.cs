using Switchboard.Persistence;

namespace Shop.Inventory;

/// <summary>SQL on <c>inventory_stock</c> shared by the handlers.</summary>
internal static class InventoryStock
{
    /// <summary>
    /// Moves <paramref name="line"/>'s quantity from reserved back to available. Fewer reserved than that breaks the
    /// table's <c>CHECK (reserved &gt;= 0)</c>: a hard error for the retry policy, not a conflict to rerun.
    /// </summary>
    public static StoreWrite Release(ReservedLine line) =>
        new("UPDATE inventory_stock SET available = available + @p1, reserved = reserved - @p1 WHERE sku = @p0", line.Sku, (long)line.Quantity) { ExpectedRows = 1 };
}
