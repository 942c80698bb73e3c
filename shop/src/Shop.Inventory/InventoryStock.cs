using System.Data.Common;
using Shop.Infrastructure;

namespace Shop.Inventory;

/// <summary>SQL on <c>inventory_stock</c> shared by the handlers.</summary>
internal static class InventoryStock
{
    /// <summary>Moves <paramref name="line"/>'s quantity from reserved back to available.</summary>
    public static async Task ReleaseAsync(DbTransaction transaction, ReservedLine line, CancellationToken cancellationToken)
    {
        await using var release = transaction.Connection!.Command(
            transaction,
            "UPDATE inventory_stock SET available = available + @p1, reserved = reserved - @p1 WHERE sku = @p0 AND reserved >= @p1",
            line.Sku, (long)line.Quantity);
        if (await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            throw new InvalidOperationException($"Cannot release {line.Quantity} of {line.Sku}: not that many are reserved.");
        }
    }
}
