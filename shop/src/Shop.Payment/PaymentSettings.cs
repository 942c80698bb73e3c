using Shop.Infrastructure;

namespace Shop.Payment;

/// <summary>What the Payment service's handlers were configured with.</summary>
internal sealed record PaymentSettings(ShopDatabase Database, PaymentOptions Options);
