using Shop.Contracts;

namespace Shop.Downstream.Tests;

/// <summary>Sample events.</summary>
public static class Orders
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static OrderCreated Created(Guid orderId, string customerId = "cust-1", DateTimeOffset? at = null, decimal total = 17m, DateTimeOffset? shipBy = null) => new(
        orderId,
        customerId,
        customerId + "@example.com",
        [new OrderLine("SKU-0001", 2, 8.50m)],
        total,
        Catalog.Currency,
        "tok_visa",
        new ShippingAddress("Ada Lovelace", "1 Main Street", null, "London", "N1 1AA", "GB"),
        at ?? T0,
        shipBy);

    public static InventoryUpdated Reserved(Guid orderId) => new(orderId, [new OrderLine("SKU-0001", 2, 8.50m)], T0);
}
