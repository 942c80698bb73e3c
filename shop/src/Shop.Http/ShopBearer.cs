using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Shop.Http;

/// <summary>How the JWT bearer handler validates tokens: an identity provider's by its metadata, or Shop's development tokens by the key.</summary>
internal static class ShopBearer
{
    public static Action<JwtBearerOptions> Configure(ShopAuthenticationOptions shop)
    {
        if (shop.Authority is { } authority)
        {
            return options =>
            {
                options.Authority = authority.ToString();
                options.Audience = shop.Audience;
                options.RequireHttpsMetadata = !authority.IsLoopback;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.ValidAudience = shop.Audience;
                options.TokenValidationParameters.NameClaimType = ShopClaims.Subject;
                options.TokenValidationParameters.RoleClaimType = shop.RoleClaim;
            };
        }

        // Read (or created) now, while the host is built: a missing or unreadable key fails the start, not the first request.
        var key = DevelopmentSigningKey.LoadOrCreate(shop.SigningKeyFile
            ?? throw new ArgumentException("Shop's APIs need either an identity provider (an authority) or a development signing key file."));
        return options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = ShopClaims.Issuer,
                ValidAudience = ShopClaims.Audience,
                IssuerSigningKey = key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromMinutes(1),
                NameClaimType = ShopClaims.Subject,
                RoleClaimType = ShopClaims.Role,
            };
        };
    }
}
