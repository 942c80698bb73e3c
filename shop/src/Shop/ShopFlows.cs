using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Http;
using Switchboard.Auditing;
using Switchboard.Console;

namespace Shop;

/// <summary>The message flow of one conversation, for operators, from this process's audit log.</summary>
internal static class ShopFlows
{
    /// <summary>The longest correlation id the endpoint looks up (Shop's are order ids, 36 characters).</summary>
    public const int MaxCorrelationIdLength = 200;

    /// <summary>How many records of one conversation are read at most.</summary>
    public const int MaxRecords = 10_000;

    /// <summary>
    /// <c>GET /flows/{correlationId}</c> (an order's id is its correlation id): every delivery this process's audit
    /// log holds for the conversation, in the order they finished, and the causation tree as a list in depth-first
    /// order, each message with its parent and depth. 404 when the log holds none of it. In the distributed mode each
    /// service process keeps its own log, so each answers for its own endpoints.
    /// </summary>
    public static void MapShopFlows(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/flows/{correlationId}", async (string correlationId, IAuditLog log, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(correlationId) || correlationId.Length > MaxCorrelationIdLength)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid correlation id", detail: $"A correlation id has 1 to {MaxCorrelationIdLength} characters.");
            }

            var flow = await MessageFlow.ReadAsync(log, correlationId, MaxRecords, cancellationToken).ConfigureAwait(false);
            if (flow.Timeline.Count == 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such flow", detail: $"The audit log holds no message of conversation '{correlationId}'.");
            }

            return Results.Ok(MessageFlowJson.Describe(flow));
        }).RequireAuthorization(ShopPolicies.Operator).WithName("GetFlow");
}
