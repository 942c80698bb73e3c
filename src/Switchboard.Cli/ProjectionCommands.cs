using System.CommandLine;
using System.Globalization;
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
        return projections;
    }

    private static Command Status(CliContext context)
    {
        var names = new Argument<string[]>("name") { Description = "The subscriptions and projections (their checkpoint names, e.g. order-summaries)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("status", "Shows each named subscription's or projection's checkpoint, the store's end, and how many events it is behind") { names };
        command.SetAction((result, cancellationToken) => AdminCli.WithBackendAsync(context, result, async backend =>
        {
            if (backend.EventStores.Count == 0)
            {
                return await AdminCli.RefuseAsync(context, "projections live in the event store: give --sqlite FILE or --postgres CONNECTION").ConfigureAwait(false);
            }

            var rows = new List<(string Store, string Name, long? Position, long End, long? Lag)>();
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
                await context.Error.WriteLineAsync($"switchboard: no checkpoint '{name}' in {string.Join(", ", backend.EventStores.Select(e => e.Name))}").ConfigureAwait(false);
            }

            return unknown.Count == 0 ? 0 : AdminCli.Failed;
        }, cancellationToken));
        return command;
    }
}
