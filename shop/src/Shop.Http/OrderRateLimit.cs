using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Http;

/// <summary>The <see cref="ShopPolicies.PlaceOrder"/> rate limiter: a token bucket per customer, 429 problem details with <c>Retry-After</c> past it.</summary>
internal static class OrderRateLimit
{
    public static void Configure(RateLimiterOptions options, OrderRateLimitOptions limits)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = async (context, cancellationToken) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : limits.Period;
            var seconds = (long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
            var http = context.HttpContext;
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many orders",
                    Detail = FormattableString.Invariant($"A customer may place {limits.Burst} orders at once and {limits.PerPeriod} more every {limits.Period.TotalSeconds:0.###} s. Try again in {seconds} s."),
                },
            }).ConfigureAwait(false);
        };
        options.AddPolicy(ShopPolicies.PlaceOrder, http => RateLimitPartition.GetTokenBucketLimiter(
            http.User.FindFirst(ShopClaims.Subject)?.Value ?? string.Empty,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PerPeriod,
                ReplenishmentPeriod = limits.Period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }
}
