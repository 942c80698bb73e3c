namespace Shop.Http;

/// <summary>
/// Where the tokens the APIs accept come from: an identity provider (<see cref="Authority"/>), or else Shop's own
/// development tokens, signed with the key in <see cref="SigningKeyFile"/>. Never both: with an authority no
/// development key is read, created or accepted.
/// </summary>
public sealed record ShopAuthenticationOptions
{
    /// <summary>
    /// The development signing key's file (created, owner-only, at start-up when missing); processes of one shop share
    /// it. Required unless <see cref="Authority"/> is set, and ignored when it is.
    /// </summary>
    public string? SigningKeyFile { get; init; }

    /// <summary>
    /// The identity provider's issuer URL; its OpenID Connect metadata (<c>/.well-known/openid-configuration</c>) gives
    /// the signing keys. Over plain http only on loopback.
    /// </summary>
    public Uri? Authority { get; init; }

    /// <summary>The audience the identity provider's tokens must name. Default <c>shop</c>.</summary>
    public string Audience { get; init; } = ShopClaims.Audience;

    /// <summary>The claim of the identity provider's tokens that carries roles (one <c>operator</c> among them makes an operator). Default <c>role</c>.</summary>
    public string RoleClaim { get; init; } = ShopClaims.Role;
}
