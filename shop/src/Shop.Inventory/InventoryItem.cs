namespace Shop.Inventory;

/// <summary>The stock of one SKU, as <c>GET /inventory</c> returns it.</summary>
/// <param name="Sku">The SKU.</param>
/// <param name="Name">The product's name (empty for a SKU not in the configured products).</param>
/// <param name="Available">Units that can still be reserved.</param>
/// <param name="Reserved">Units reserved for paid orders.</param>
public sealed record InventoryItem(string Sku, string Name, long Available, long Reserved);
