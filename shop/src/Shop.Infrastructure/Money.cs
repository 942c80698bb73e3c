namespace Shop.Infrastructure;

/// <summary>Amounts are stored as integer cents, which both databases keep exactly.</summary>
public static class Money
{
    /// <summary>An amount in cents.</summary>
    public static long ToCents(decimal amount) => (long)decimal.Round(amount * 100m, MidpointRounding.AwayFromZero);

    /// <summary>An amount from cents.</summary>
    public static decimal FromCents(long cents) => cents / 100m;
}
