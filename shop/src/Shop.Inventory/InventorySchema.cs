using Shop.Infrastructure;

namespace Shop.Inventory;

/// <summary>
/// Creates the Inventory service's tables and seeds the stock of SKUs it does not have yet: at start-up, before the bus
/// consumes, tried again with the bus's start while the database cannot be reached (so it must be idempotent).
/// </summary>
internal sealed class InventorySchema(InventorySettings settings)
{
    // Reservation status: reserved | released (by a cancellation) | failed (nothing reserved) | cancelled (cancelled before payment: never reserve).
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS inventory_stock (
            sku TEXT NOT NULL PRIMARY KEY,
            available BIGINT NOT NULL,
            reserved BIGINT NOT NULL,
            CHECK (available >= 0 AND reserved >= 0)
        );
        CREATE TABLE IF NOT EXISTS inventory_reservations (
            order_id TEXT NOT NULL PRIMARY KEY,
            lines TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NULL,
            created BIGINT NOT NULL,
            updated BIGINT NOT NULL
        );
        """;

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        await settings.Database.ExecuteAsync(Sql, cancellationToken).ConfigureAwait(false);
        await using var connection = await settings.Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var product in settings.Options.Products)
        {
            await using var insert = connection.Command(
                transaction,
                "INSERT INTO inventory_stock (sku, available, reserved) VALUES (@p0, @p1, 0) ON CONFLICT (sku) DO NOTHING",
                product.Sku, (long)product.InitialStock);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
