namespace Shop.Order.Saga;

/// <summary>The order life saga's timeout: the order has been in flight for <see cref="OrderOptions.StuckOrderTimeout"/>.</summary>
/// <param name="OrderId">The order.</param>
public sealed record OrderStuckTimeout(Guid OrderId);
