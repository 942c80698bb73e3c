using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard;
using Switchboard.Consistency;

namespace Shop.Http;

/// <summary>
/// Reads that see the caller's own writes: a request that carries the <c>Consistency-Token</c> a write answered with
/// waits (at most a timeout) until the model it reads includes that write, and its answer says whether it does in the
/// <see cref="ResultHeader"/> header (<c>reached</c> or <c>timed-out</c>; without a token the read answers at once and
/// the header is absent). A token that does not parse is a 400.
/// </summary>
public static class ShopReadYourWrites
{
    /// <summary>The answer's header saying whether the read includes the token's writes.</summary>
    public const string ResultHeader = "Consistency";

    /// <summary>How long a read of another service's model waits for a token, unless the service says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Makes the route wait for a request's token with <paramref name="wait"/> (a projection's position, an endpoint's
    /// messages: <see cref="ReadYourWrites"/>) for at most <paramref name="timeout"/> before it reads.
    /// </summary>
    public static RouteHandlerBuilder WaitsForTokens(this RouteHandlerBuilder route, Func<ReadYourWrites, ConsistencyToken, TimeSpan, CancellationToken, Task<bool>> wait, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(wait);
        return route.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.Headers.TryGetValue(ConsistencyToken.HeaderName, out var values))
            {
                if (values.Count != 1 || !ConsistencyToken.TryParse(values[0], out var token))
                {
                    return Results.ValidationProblem(
                        new Dictionary<string, string[]> { [ConsistencyToken.HeaderName] = ["Send back the Consistency-Token header of a write's answer as it came (p=<position>;m=<message ids>)."] },
                        title: "Invalid consistency token");
                }

                var reached = await wait(http.RequestServices.GetRequiredService<ReadYourWrites>(), token, timeout, http.RequestAborted).ConfigureAwait(false);
                http.Response.Headers[ResultHeader] = reached ? "reached" : "timed-out";
            }

            return await next(context).ConfigureAwait(false);
        });
    }
}
