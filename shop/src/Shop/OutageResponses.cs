using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard;

namespace Shop;

/// <summary>
/// Answers 503 Service Unavailable (<c>application/problem+json</c>, <c>Retry-After</c>) instead of 500 when a request
/// failed because a server this process needs cannot be reached now: the bus has not connected to its broker yet
/// (<see cref="UnavailableException"/>), or a database call failed in a way that may pass (<see cref="DbException.IsTransient"/>:
/// the server refused the connection, is starting up or shutting down, timed out). The answer names nothing internal;
/// the log gets the reason, one line without a stack trace.
/// </summary>
internal static class OutageResponses
{
    private const int RetryAfterSeconds = 5;

    public static void UseOutageResponses(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Outage");
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception e) when (IsOutage(e) && !http.Response.HasStarted)
            {
                logger.LogWarning("{Method} {Path}: 503, a server is out of reach: {Reason}", http.Request.Method, http.Request.Path, e.Message);
                http.Response.Clear();
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Unavailable("Service unavailable", "The service cannot reach its broker or database now. Try again later.").ExecuteAsync(http);
            }
        });
    }

    /// <summary>A 503 problem (<c>application/problem+json</c>) with <paramref name="title"/> and <paramref name="detail"/>.</summary>
    public static IResult Unavailable(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);

    private static bool IsOutage(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is UnavailableException or DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }
}
