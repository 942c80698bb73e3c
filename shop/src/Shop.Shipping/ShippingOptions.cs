using Switchboard.Retries;

namespace Shop.Shipping;

/// <summary>Settings of the Shipping service.</summary>
public sealed record ShippingOptions
{
    /// <summary>
    /// Retries of the <c>shipping</c> endpoint. An <see cref="Contracts.InventoryUpdated"/> handled before its order's
    /// <see cref="Contracts.OrderCreated"/> (same queue, handled concurrently) throws and is retried until the address
    /// is there: a few immediate retries, then delayed ones for several minutes.
    /// </summary>
    public RetryPolicy Retry { get; init; } = new()
    {
        ImmediateRetries = 3,
        DelayedRetries = 10,
        BaseDelay = TimeSpan.FromMilliseconds(250),
        MaxDelay = TimeSpan.FromSeconds(30),
    };

    /// <summary>Messages the endpoint handles at once. Default 4.</summary>
    public int Concurrency { get; init; } = 4;
}
