using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Switchboard.Cli;

/// <summary><c>switchboard outbox list|release</c>: what waits in each store's outbox, and quarantined messages back to the relay.</summary>
internal static class OutboxCommands
{
    public static Command Create(CliContext context)
    {
        var outbox = new Command("outbox", "Each store's outbox: pending and quarantined messages");
        outbox.Subcommands.Add(List(context));
        outbox.Subcommands.Add(Release(context));
        return outbox;
    }

    private static Command List(CliContext context)
    {
        var max = new Option<int>("--max") { Description = "Quarantined messages to list per store (1 to 1,000)", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "Shows each store's pending count, its oldest pending message's age, and the quarantined messages with their last error") { max };
        command.SetAction((result, cancellationToken) => WithOutboxesAsync(context, result, async backend =>
        {
            if (result.GetValue(max) is < 1 or > 1_000)
            {
                return await AdminCli.RefuseAsync(context, "--max is 1 to 1,000").ConfigureAwait(false);
            }

            var stores = new List<object>();
            foreach (var (name, outbox) in backend.Outboxes)
            {
                var statistics = await outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
                var quarantined = await outbox.ListQuarantinedAsync(result.GetValue(max), cancellationToken).ConfigureAwait(false);
                if (result.GetValue(context.Options.Json))
                {
                    stores.Add(new
                    {
                        store = name,
                        statistics.Pending,
                        statistics.OldestPendingAt,
                        statistics.Quarantined,
                        quarantinedMessages = quarantined.Select(e => new { e.Message.Envelope.MessageId, e.Message.Envelope.MessageType, e.Message.Destination, e.CreatedAt, e.Attempts, e.LastError }),
                    });
                    continue;
                }

                var oldest = statistics.OldestPendingAt is { } at ? $", the oldest since {at.ToString("u", CultureInfo.InvariantCulture)}" : "";
                context.Console.MarkupLine($"[bold]{Markup.Escape(name)}[/]: {statistics.Pending} pending{Markup.Escape(oldest)}, {statistics.Quarantined} quarantined");
                if (quarantined.Count > 0)
                {
                    var table = new Table().AddColumns("message id", "message type", "destination", "created", "attempts", "last error");
                    foreach (var entry in quarantined)
                    {
                        table.AddRow(
                            Markup.Escape(entry.Message.Envelope.MessageId),
                            Markup.Escape(entry.Message.Envelope.MessageType),
                            Markup.Escape(entry.Message.Destination),
                            entry.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                            entry.Attempts.ToString(CultureInfo.InvariantCulture),
                            Markup.Escape(entry.LastError ?? ""));
                    }

                    context.Console.Write(table);
                }
            }

            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { stores }).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Release(CliContext context)
    {
        var ids = new Argument<string[]>("message-id") { Description = "The quarantined messages to give back to the relay", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every quarantined message of every named store" };
        var command = new Command("release", "Gives quarantined messages back to the relay, with their attempts reset (fix what made them fail first)") { ids, all };
        command.SetAction((result, cancellationToken) => WithOutboxesAsync(context, result, async backend =>
        {
            var chosen = result.GetValue(ids) ?? [];
            if (chosen.Length == 0 == !result.GetValue(all))
            {
                return await AdminCli.RefuseAsync(context, "name the messages to release, or --all (not both)").ConfigureAwait(false);
            }

            var released = 0;
            foreach (var (_, outbox) in backend.Outboxes)
            {
                released += await outbox.ReleaseQuarantinedAsync(result.GetValue(all) ? null : chosen, cancellationToken).ConfigureAwait(false);
            }

            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { released }).ConfigureAwait(false);
            }
            else
            {
                await context.Output.WriteLineAsync($"{released} quarantined message(s) released.").ConfigureAwait(false);
            }

            if (!result.GetValue(all) && released < chosen.Length)
            {
                await context.Error.WriteLineAsync($"switchboard: {chosen.Length - released} of the named messages were not quarantined in {string.Join(", ", backend.Outboxes.Select(o => o.Name))}").ConfigureAwait(false);
                return AdminCli.Failed;
            }

            return 0;
        }, cancellationToken));
        return command;
    }

    private static Task<int> WithOutboxesAsync(CliContext context, ParseResult result, Func<Backend, Task<int>> work, CancellationToken cancellationToken) =>
        AdminCli.WithBackendAsync(context, result, backend => backend.Outboxes.Count > 0
            ? work(backend)
            : AdminCli.RefuseAsync(context, "the outbox lives in the store: give --sqlite FILE, --postgres CONNECTION or --console URL"), cancellationToken);
}
