using System.Net;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Console;

/// <summary>
/// Who may use the console, before any page or API call runs: without an authorization policy, requests from this
/// machine only; and, whatever the policy, no change requested from another site (a form a foreign page posts with
/// the operator's cookies): a request that changes something and names an origin must name the console's own.
/// </summary>
internal sealed class ConsoleAccess(bool loopbackOnly) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (loopbackOnly && !IsLoopback(http.Connection))
        {
            return ValueTask.FromResult<object?>(Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Console restricted to this machine",
                detail: "No authorization policy is configured for the Switchboard console, so it answers loopback requests only: name one with MapSwitchboardConsole(..., o => o.AuthorizationPolicy = \"...\")."));
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && IsCrossSite(http.Request))
        {
            return ValueTask.FromResult<object?>(Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Cross-site request refused",
                detail: "The console changes nothing at another site's request."));
        }

        return next(context);
    }

    private static bool IsLoopback(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    private static bool IsCrossSite(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"] is [{ } site] && site is "cross-site" or "same-site")
        {
            return true;
        }

        return request.Headers.Origin is [{ } origin]
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var from)
                && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
                && string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase));
    }
}
