using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shop.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds what Shop's HTTP APIs need to a host's services.</summary>
public static class ShopHttpServiceCollectionExtensions
{
    /// <summary>
    /// Adds JWT bearer authentication as <paramref name="authentication"/> says (an identity provider, or development
    /// tokens signed with the key file, which is read, or created, now), the <see cref="ShopPolicies.Customer"/> and
    /// <see cref="ShopPolicies.Operator"/> policies, the <see cref="ShopPolicies.PlaceOrder"/> rate limit
    /// (<paramref name="orderRateLimit"/>, default <see cref="OrderRateLimitOptions"/>) and problem details for every
    /// error (request bodies are read with <see cref="ShopJson.Requests"/>). The application then calls
    /// <see cref="ShopHttpApplicationBuilderExtensions.UseShopHttp"/>. Throws <see cref="ArgumentException"/> for a key file that cannot be used.
    /// </summary>
    public static IServiceCollection AddShopHttp(this IServiceCollection services, ShopAuthenticationOptions authentication, OrderRateLimitOptions? orderRateLimit = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(authentication);
        var limits = orderRateLimit ?? new OrderRateLimitOptions();
        limits.Validate();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Describe);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(ShopBearer.Configure(authentication));
        services.AddAuthorizationBuilder()
            .AddPolicy(ShopPolicies.Customer, p => p.RequireAuthenticatedUser())
            .AddPolicy(ShopPolicies.Operator, p => p.RequireAuthenticatedUser().RequireRole(ShopClaims.Operator));
        services.AddRateLimiter(o => OrderRateLimit.Configure(o, limits));
        return services;
    }

    // The 401 and 403 that authentication and authorization answer with an empty body get a detail that says what to do.
    private static void Describe(ProblemDetailsContext context)
    {
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status401Unauthorized => "A valid bearer token is required (Authorization: Bearer <token>); see docs/security.md.",
            StatusCodes.Status403Forbidden => "The token does not allow this request: it needs the operator role.",
            StatusCodes.Status404NotFound => "There is nothing at this address.",
            StatusCodes.Status405MethodNotAllowed => "This address does not take this method.",
            _ => null,
        };
    }
}
