using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Puts what <c>AddShopHttp</c> registered into a host's request pipeline.</summary>
public static class ShopHttpApplicationBuilderExtensions
{
    /// <summary>
    /// Problem details for exceptions (a request the framework could not read keeps its 4xx: 400, 413, 415, and is not
    /// logged as a failure of the server; anything else is a 500 without detail) and for every error answered without a
    /// body (404, 405, 401, 403, ...), then routing, authentication, authorization and the rate limiter, in that order:
    /// a rate limit sees who the caller is.
    /// </summary>
    public static IApplicationBuilder UseShopHttp(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
