using Shop.Infrastructure;

namespace Shop.Shipping;

/// <summary>Settings of the Shipping service.</summary>
public sealed record ShippingOptions : ShopEndpointOptions
{
    /// <summary>
    /// Settings with the retries of <see cref="ShopEndpointOptions.UntilEarlierEventArrives"/>: an
    /// <see cref="Contracts.InventoryUpdated"/> handled before its order's <see cref="Contracts.OrderCreated"/> throws and
    /// is retried until the address is there.
    /// </summary>
    public ShippingOptions() => Retry = UntilEarlierEventArrives;
}
