using Shop.Contracts;
using Shop.Infrastructure;

namespace Shop.Inventory;

/// <summary>Settings of the Inventory service.</summary>
public sealed record InventoryOptions : ShopEndpointOptions
{
    /// <summary>The products whose stock is seeded at start-up (a SKU already in the table keeps its stock). Default <see cref="Catalog.Products"/>.</summary>
    public IReadOnlyList<Product> Products { get; init; } = Catalog.Products;
}
