using Shop.Contracts;
using Switchboard.Retries;

namespace Shop.Inventory;

/// <summary>Settings of the Inventory service.</summary>
public sealed record InventoryOptions
{
    /// <summary>The products whose stock is seeded at start-up (a SKU already in the table keeps its stock). Default <see cref="Catalog.Products"/>.</summary>
    public IReadOnlyList<Product> Products { get; init; } = Catalog.Products;

    /// <summary>Messages the <c>inventory</c> endpoint handles at once. Default 4.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>The endpoint's retry policy. Default: the framework's (2 immediate retries, 3 delayed rounds from 1 s).</summary>
    public RetryPolicy Retry { get; init; } = new();
}
