using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
    /// error (<see cref="ShopProblemDetails"/>). Request bodies are bound by the framework, as strict JSON
    /// (<see cref="ShopJson.MakeStrict"/>); one it cannot bind (not JSON, malformed, too large) throws
    /// <see cref="BadHttpRequestException"/> to the exception handler, whose problem says why. The application then calls
    /// <see cref="ShopHttpApplicationBuilderExtensions.UseShopHttp"/>. Throws <see cref="ArgumentException"/> for a key file that cannot be used.
    /// </summary>
    public static IServiceCollection AddShopHttp(this IServiceCollection services, ShopAuthenticationOptions authentication, OrderRateLimitOptions? orderRateLimit = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(authentication);
        var limits = orderRateLimit ?? new OrderRateLimitOptions();
        limits.Validate();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ShopProblemDetails.Customize);
        services.ConfigureHttpJsonOptions(o => ShopJson.MakeStrict(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(ShopBearer.Configure(authentication));
        services.AddAuthorizationBuilder()
            .AddPolicy(ShopPolicies.Customer, p => p.RequireAuthenticatedUser())
            .AddPolicy(ShopPolicies.Operator, p => p.RequireAuthenticatedUser().RequireRole(ShopClaims.Operator));
        services.AddRateLimiter(o => OrderRateLimit.Configure(o, limits));
        return services;
    }
}
