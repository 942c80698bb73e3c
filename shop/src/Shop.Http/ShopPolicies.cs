namespace Shop.Http;

/// <summary>The names of the authorization and rate limiting policies that <c>AddShopHttp</c> registers.</summary>
public static class ShopPolicies
{
    /// <summary>Any caller with a valid token; what it may read is decided per request (its own data, or everything for an operator).</summary>
    public const string Customer = "shop.customer";

    /// <summary>Callers with the <see cref="ShopClaims.Operator"/> role.</summary>
    public const string Operator = "shop.operator";

    /// <summary>The rate limit of <c>POST /orders</c>, per customer (<see cref="OrderRateLimitOptions"/>).</summary>
    public const string PlaceOrder = "shop.place-order";
}
