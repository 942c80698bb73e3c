using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Switchboard.Cli;

/// <summary><c>endpoints</c>: a running application's receive endpoints, through its console.</summary>
internal static class EndpointsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("endpoints", "Shows each endpoint of the application (--console): running or not, ready messages, in flight, consumers, the last minute's counts, dead letters");
        command.SetAction((result, cancellationToken) => AdminCli.WithConsoleAsync(context, result, "endpoints", async console =>
        {
            var endpoints = await console.GetAsync("endpoints", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { endpoints }).ConfigureAwait(false);
                return 0;
            }

            var table = new Table().AddColumns("endpoint", "state", "ready", "in flight", "consumers (here / broker)", "handled /min", "failed /min", "dead-lettered /min", "handled", "dead letters");
            foreach (var e in endpoints.EnumerateArray())
            {
                var counts = e.GetProperty("counts");
                table.AddRow(
                    Markup.Escape(e.GetProperty("queue").GetString()!) + (Ordered(e) ? " [dim]ordered[/]" : ""),
                    e.GetProperty("running").GetBoolean() ? "running" : "[red]stopped[/]",
                    Figure(e, "ready"),
                    Number(counts, "inFlight"),
                    $"{Number(e, "concurrency")} / {Figure(e, "consumers")}",
                    Number(counts, "handledLastMinute"),
                    Number(counts, "failedLastMinute"),
                    Number(counts, "deadLetteredLastMinute"),
                    Number(counts, "handled"),
                    Figure(e, "deadLetters") + Parked(e));
            }

            context.Console.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }

    // A console older than ordered endpoints says nothing of them: its endpoints are not ordered.
    private static bool Ordered(JsonElement endpoint) => endpoint.TryGetProperty("ordered", out var ordered) && ordered.ValueKind == JsonValueKind.True;

    private static string Parked(JsonElement endpoint) =>
        endpoint.TryGetProperty("parkedKeys", out var parked) && parked.ValueKind == JsonValueKind.Number && parked.GetInt64() > 0
            ? $" [yellow]({parked.GetInt64().ToString(CultureInfo.InvariantCulture)} key(s) parked)[/]"
            : "";

    private static string Number(JsonElement element, string name) => element.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture);

    // What the backend cannot tell is "unavailable", as on the console's page (the JSON says why).
    private static string Figure(JsonElement element, string name) =>
        element.GetProperty(name).ValueKind == JsonValueKind.Number ? Number(element, name) : "[dim]unavailable[/]";
}
