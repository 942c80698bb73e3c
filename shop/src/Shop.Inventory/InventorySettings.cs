using Shop.Infrastructure;

namespace Shop.Inventory;

/// <summary>What the Inventory service was configured with.</summary>
internal sealed record InventorySettings(ShopDatabase Database, InventoryOptions Options);
