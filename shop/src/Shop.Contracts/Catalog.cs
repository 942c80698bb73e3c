namespace Shop.Contracts;

/// <summary>A product of the seeded catalog.</summary>
/// <param name="Sku">Its stock-keeping unit, e.g. <c>SKU-0001</c>.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Price">Its unit price in <see cref="Catalog.Currency"/>.</param>
/// <param name="InitialStock">Units Inventory starts with.</param>
public sealed record Product(string Sku, string Name, decimal Price, int InitialStock);

/// <summary>
/// The seeded catalog: the published product list (SKUs and prices, which Order validates and prices orders with)
/// and the starting stock (which Inventory seeds its own table with). It is reference data every service may read;
/// the stock itself belongs to Inventory.
/// </summary>
public static class Catalog
{
    /// <summary>The currency of every price.</summary>
    public const string Currency = "EUR";

    /// <summary>The products.</summary>
    public static IReadOnlyList<Product> Products { get; } =
    [
        new("SKU-0001", "Espresso cup", 8.50m, 100_000),
        new("SKU-0002", "Pour-over kettle", 42.00m, 100_000),
        new("SKU-0003", "Burr grinder", 129.00m, 100_000),
        new("SKU-0004", "Coffee beans 1 kg", 24.90m, 100_000),
        new("SKU-0005", "Milk jug", 15.00m, 100_000),
        new("SKU-0006", "Scale", 35.00m, 100_000),
        new("SKU-0007", "Paper filters", 4.20m, 100_000),
        new("SKU-0008", "Travel mug", 19.90m, 100_000),
        new("SKU-0009", "Limited edition dripper", 89.00m, 50),
        new("SKU-0010", "Signed barista handbook", 59.00m, 20),
    ];

    /// <summary>The product with <paramref name="sku"/>, or null when the catalog has none.</summary>
    public static Product? Find(string sku) => Products.FirstOrDefault(p => string.Equals(p.Sku, sku, StringComparison.Ordinal));
}
