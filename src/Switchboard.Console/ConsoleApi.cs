using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.AsyncApi;
using Switchboard.Operations;

namespace Switchboard.Console;

/// <summary>The console's JSON API under <c>{prefix}/api</c>: what the pages show, for scripts and the CLI. Refusals are problem details.</summary>
internal static class ConsoleApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/endpoints", (ConsoleBackend backend, CancellationToken ct) =>
            Answer(async () => Results.Ok((await backend.ListEndpointsAsync(ct).ConfigureAwait(false)).Select(ConsoleJson.Endpoint))));

        api.MapGet("/dead-letters", (ConsoleBackend backend, string? endpoint, string? type, string? exception, string? skip, string? take, CancellationToken ct) =>
            Answer(async () =>
            {
                var list = await backend.ListDeadLettersAsync(endpoint, type, exception, Number(skip, "skip"), Number(take, "take"), ct).ConfigureAwait(false);
                return Results.Ok(new { total = list.Total, items = list.Items.Select(ConsoleJson.DeadLetterSummary) });
            }));
        // A literal segment wins over {id}: the parked keys of an endpoint, not a dead letter named "parked".
        api.MapGet("/dead-letters/{endpoint}/parked", (ConsoleBackend backend, string endpoint, string? skip, string? take, CancellationToken ct) =>
            Answer(async () => Results.Ok(ConsoleJson.ParkedKeys(await backend.ListParkedKeysAsync(endpoint, Number(skip, "skip"), Number(take, "take"), ct).ConfigureAwait(false)))));
        api.MapGet("/dead-letters/{endpoint}/{id}", (ConsoleBackend backend, string endpoint, string id, CancellationToken ct) =>
            Answer(async () => Results.Ok(ConsoleJson.DeadLetterDetail(await backend.GetDeadLetterAsync(endpoint, id, ct).ConfigureAwait(false)))));
        api.MapPost("/dead-letters/{endpoint}/redrive", (ConsoleBackend backend, string endpoint, HttpRequest request, CancellationToken ct) =>
            Answer(async () =>
            {
                var action = await ConsoleJson.ReadActionAsync(request, ct).ConfigureAwait(false);
                return Results.Ok(new { redriven = await backend.RedriveAsync(endpoint, Selection(action), ct).ConfigureAwait(false) });
            }));
        api.MapPost("/dead-letters/{endpoint}/delete", (ConsoleBackend backend, string endpoint, HttpRequest request, CancellationToken ct) =>
            Answer(async () =>
            {
                var action = await ConsoleJson.ReadActionAsync(request, ct).ConfigureAwait(false);
                return Results.Ok(new { deleted = await backend.DeleteAsync(endpoint, action.Ids ?? throw ConsoleProblem.BadRequest("Name the dead letters to delete (ids); to delete them all, purge."), ct).ConfigureAwait(false) });
            }));
        api.MapDelete("/dead-letters/{endpoint}/{id}", (ConsoleBackend backend, string endpoint, string id, CancellationToken ct) =>
            Answer(async () => await backend.DeleteAsync(endpoint, [id], ct).ConfigureAwait(false) == 1
                ? Results.NoContent()
                : throw ConsoleProblem.NotFound("No such dead letter", $"Endpoint '{endpoint}' has no dead letter '{id}'.")));
        api.MapPost("/dead-letters/{endpoint}/purge", (ConsoleBackend backend, string endpoint, HttpRequest request, CancellationToken ct) =>
            Answer(async () =>
            {
                var action = await ConsoleJson.ReadActionAsync(request, ct).ConfigureAwait(false);
                return Results.Ok(new { purged = await backend.PurgeAsync(endpoint, action.Confirm, ct).ConfigureAwait(false) });
            }));

        api.MapGet("/outbox", (ConsoleBackend backend, CancellationToken ct) =>
            Answer(async () => Results.Ok(ConsoleJson.Outbox(await backend.GetOutboxAsync(ct).ConfigureAwait(false)))));
        api.MapPost("/outbox/release", (ConsoleBackend backend, HttpRequest request, CancellationToken ct) =>
            Answer(async () =>
            {
                var action = await ConsoleJson.ReadActionAsync(request, ct).ConfigureAwait(false);
                return Results.Ok(new { released = await backend.ReleaseAsync(Selection(action), ct).ConfigureAwait(false) });
            }));

        api.MapGet("/sagas", (ConsoleBackend backend) => Results.Ok(backend.Sagas.Select(ConsoleJson.Saga)));
        api.MapGet("/sagas/{name}/{key}", (ConsoleBackend backend, string name, string key, CancellationToken ct) =>
            Answer(async () => Results.Ok(await backend.FindSagaAsync(name, key, ct).ConfigureAwait(false))));

        api.MapGet("/projections", (ConsoleBackend backend, CancellationToken ct) =>
            Answer(async () => Results.Ok(ConsoleJson.Projections(await backend.GetProjectionsAsync(ct).ConfigureAwait(false)))));
        api.MapPost("/projections/{name}/rebuild", (ConsoleBackend backend, string name) =>
            Answer(() => Task.FromResult(backend.StartRebuild(name)
                ? Results.Accepted(value: new { rebuilding = name })
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already rebuilding", detail: $"A rebuild of '{name}' started from this console still runs."))));

        api.MapGet("/flows/{correlationId}", (ConsoleBackend backend, string correlationId, CancellationToken ct) =>
            Answer(async () =>
            {
                var view = await backend.ReadFlowAsync(correlationId, ct).ConfigureAwait(false);
                return view.Flow.Timeline.Count == 0
                    ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such flow", detail: $"No audit log holds a message of conversation '{correlationId}'.")
                    : Results.Ok(ConsoleJson.Flow(view));
            }));

        // The document MapAsyncApi serves, here too, so that the CLI reaches it where it reaches everything else.
        api.MapGet("/asyncapi", (IServiceProvider services) => services.GetService<AsyncApiDocumentProvider>() is { } document
            ? Results.Bytes(document.Utf8Json, "application/json")
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No AsyncAPI document", detail: "This application registers no AsyncAPI document (services.AddAsyncApi)."));
    }

    /// <summary>The ids of an action, or null for all of them; one of the two must be asked for.</summary>
    private static string[]? Selection(ActionRequest action) => (action.Ids, action.All) switch
    {
        ({ Length: > 0 }, true) => throw ConsoleProblem.BadRequest("Name ids or ask for all, not both."),
        ({ Length: > 0 } ids, false) => ids,
        (_, true) => null,
        _ => throw ConsoleProblem.BadRequest("Name the ids (\"ids\": [...]) or ask for all (\"all\": true)."),
    };

    private static int? Number(string? text, string name) =>
        text is null ? null
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
        : throw ConsoleProblem.BadRequest($"{name} is a whole number.");

    private static async Task<IResult> Answer(Func<Task<IResult>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (ConsoleProblem problem)
        {
            return Results.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Message);
        }
    }
}
