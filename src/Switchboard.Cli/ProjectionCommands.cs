using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Switchboard.Cli;

/// <summary><c>switchboard projections status NAME…</c>: where named subscriptions and projections stand in each event store.</summary>
internal static class ProjectionCommands
{
    // As far as a lag is counted: beyond this, "at least".
    private const long LagLimit = 10_000_000;

    public static Command Create(CliContext context)
    {
        var projections = new Command("projections", "Subscriptions' and projections' positions in the event store");
        projections.Subcommands.Add(Status(context));
        projections.Subcommands.Add(Rebuild(context));
        return projections;
    }

    private static Command Status(CliContext context)
    {
        var names = new Argument<string[]>("name") { Description = "The subscriptions and projections (their checkpoint names, e.g. order-summaries)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("status", "Shows each named subscription's or projection's checkpoint, the store's end, and how many events it is behind") { names };
        command.SetAction((result, cancellationToken) => AdminCli.WithBackendAsync(context, result, async backend =>
        {
            if (backend.EventStores.Count == 0 && backend.Console is null)
            {
                return await AdminCli.RefuseAsync(context, "projections live in the event store: give --sqlite FILE, --postgres CONNECTION or --console URL").ConfigureAwait(false);
            }

            var rows = new List<(string Store, string Name, long? Position, long End, long? Lag)>();
            if (backend.Console is { } console)
            {
                // The application's own figures: each runner's position and lag, and its event store's end.
                var status = await console.GetAsync("projections", cancellationToken).ConfigureAwait(false);
                var end = status.GetProperty("head") is { ValueKind: JsonValueKind.Number } head ? head.GetInt64() : throw new CliException("the console cannot read its event store's end now");
                var runners = status.GetProperty("runners").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, StringComparer.Ordinal);
                foreach (var name in result.GetRequiredValue(names).Distinct(StringComparer.Ordinal))
                {
                    var runner = runners.GetValueOrDefault(name);
                    rows.Add((console.Name, name, Long(runner, "position"), end, Long(runner, "lag")));
                }
            }

            foreach (var (store, events, checkpoints) in backend.EventStores)
            {
                var end = await events.GetEndPositionAsync(cancellationToken).ConfigureAwait(false);
                foreach (var name in result.GetRequiredValue(names).Distinct(StringComparer.Ordinal))
                {
                    var position = await checkpoints.LoadCheckpointAsync(name, cancellationToken).ConfigureAwait(false);
                    long? lag = position is { } at ? await events.CountEventsAfterAsync(at, LagLimit, cancellationToken).ConfigureAwait(false) : null;
                    rows.Add((store, name, position, end, lag));
                }
            }

            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { projections = rows.Select(r => new { store = r.Store, name = r.Name, position = r.Position, end = r.End, lag = r.Lag }) }).ConfigureAwait(false);
            }
            else
            {
                var table = new Table().AddColumns("store", "name", "checkpoint", "store's end", "behind");
                foreach (var r in rows)
                {
                    table.AddRow(
                        Markup.Escape(r.Store),
                        Markup.Escape(r.Name),
                        r.Position?.ToString(CultureInfo.InvariantCulture) ?? "none",
                        r.End.ToString(CultureInfo.InvariantCulture),
                        r.Lag is { } lag ? (lag >= LagLimit ? $"{LagLimit}+" : lag.ToString(CultureInfo.InvariantCulture)) : "");
                }

                context.Console.Write(table);
            }

            // A name with no checkpoint in any store: misspelt, or never started.
            var unknown = rows.GroupBy(r => r.Name).Where(g => g.All(r => r.Position is null)).Select(g => g.Key).ToList();
            foreach (var name in unknown)
            {
                await context.Error.WriteLineAsync($"switchboard: no checkpoint '{name}' in {string.Join(", ", rows.Select(r => r.Store).Distinct())}").ConfigureAwait(false);
            }

            return unknown.Count == 0 ? 0 : AdminCli.Failed;
        }, cancellationToken));
        return command;
    }

    private static Command Rebuild(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The projection to rebuild from the first event" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the rebuild (1 to 86,400); it goes on in the application after that", DefaultValueFactory = _ => 600 };
        var command = new Command("rebuild", "Rebuilds a projection of the application (--console) from the first event and waits until the new generation serves") { name, timeout };
        command.SetAction((result, cancellationToken) => AdminCli.WithConsoleAsync(context, result, "a rebuild", async console =>
        {
            var projection = result.GetRequiredValue(name);
            var seconds = result.GetValue(timeout);
            if (seconds is < 1 or > 86_400)
            {
                return await AdminCli.RefuseAsync(context, "--timeout is 1 to 86,400 seconds").ConfigureAwait(false);
            }

            var before = await RunnerAsync(console, projection, cancellationToken).ConfigureAwait(false)
                ?? throw new CliException($"no projection '{projection}' in {console.Name}");
            var generation = Long(before, "generation") ?? throw new CliException($"'{projection}' is a subscription: only a projection is rebuilt");
            await console.PostAsync($"projections/{ConsoleApiClient.Escape(projection)}/rebuild", null, cancellationToken).ConfigureAwait(false);

            // The console does not say how far a rebuild has read: the bar runs until the new generation serves.
            JsonElement? after = null;
            var deadline = DateTime.UtcNow.AddSeconds(seconds);
            await context.Console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"rebuilding {Markup.Escape(projection)}").IsIndeterminate();
                while (DateTime.UtcNow < deadline)
                {
                    var now = await RunnerAsync(console, projection, cancellationToken).ConfigureAwait(false);
                    if (now is { } runner && runner.GetProperty("lastRebuildError") is { ValueKind: JsonValueKind.String } error)
                    {
                        throw new CliException($"the rebuild of '{projection}' failed: {error.GetString()}");
                    }

                    if (now is { } done && Long(done, "generation") > generation && !done.GetProperty("rebuilding").GetBoolean())
                    {
                        after = done;
                        break;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                }

                task.IsIndeterminate(false).Value = task.MaxValue;
            }).ConfigureAwait(false);
            if (after is not { } rebuilt)
            {
                throw new CliException($"'{projection}' is still rebuilding after {seconds} s; the application goes on with it");
            }

            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { name = projection, generation = Long(rebuilt, "generation"), position = Long(rebuilt, "position"), lag = Long(rebuilt, "lag") }).ConfigureAwait(false);
            }
            else
            {
                context.Console.MarkupLine($"[bold]{Markup.Escape(projection)}[/] rebuilt: generation {Long(rebuilt, "generation")}, position {Long(rebuilt, "position")}, {Long(rebuilt, "lag")} event(s) behind");
            }

            return 0;
        }, cancellationToken));
        return command;
    }

    private static async Task<JsonElement?> RunnerAsync(ConsoleApiClient console, string name, CancellationToken cancellationToken)
    {
        var status = await console.GetAsync("projections", cancellationToken).ConfigureAwait(false);
        return status.GetProperty("runners").EnumerateArray().Where(r => r.GetProperty("name").GetString() == name).Select(r => (JsonElement?)r).FirstOrDefault();
    }

    private static long? Long(JsonElement? element, string name) =>
        element is { } found && found.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : null;
}
