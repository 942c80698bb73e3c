namespace Shop.Http;

/// <summary>What Shop reads from a token: the customer is its subject, an operator carries the role <see cref="Operator"/>.</summary>
public static class ShopClaims
{
    /// <summary>The subject claim: the customer id.</summary>
    public const string Subject = "sub";

    /// <summary>The claim that carries roles in Shop's own (development) tokens; an identity provider's may differ (<see cref="ShopAuthenticationOptions.RoleClaim"/>).</summary>
    public const string Role = "role";

    /// <summary>The role of operators: they read every customer's orders and notifications, the stock, the analytics and the health details.</summary>
    public const string Operator = "operator";

    /// <summary>The issuer of Shop's own (development) tokens.</summary>
    public const string Issuer = "shop";

    /// <summary>The audience of Shop's own tokens, and the default audience expected from an identity provider.</summary>
    public const string Audience = "shop";
}
