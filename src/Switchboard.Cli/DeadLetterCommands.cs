using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Switchboard.Transport;

namespace Switchboard.Cli;

/// <summary>
/// <c>switchboard dlq list|show|redrive|delete|skip|purge|parked --queue Q</c>: an endpoint's dead letters, and the
/// ordering keys they park on an ordered endpoint.
/// </summary>
internal static class DeadLetterCommands
{
    private const int Page = 100;
    private const string NoTransport = "dead letters live in the transport: give --sqlite FILE, --rabbitmq URI or --console URL";

    public static Command Create(CliContext context)
    {
        var dlq = new Command("dlq", "An endpoint's dead letters: list, show, re-drive, delete (skip), purge, and the keys they park on an ordered endpoint");
        dlq.Subcommands.Add(List(context));
        dlq.Subcommands.Add(Show(context));
        dlq.Subcommands.Add(Redrive(context));
        dlq.Subcommands.Add(Delete(context, skip: false));
        dlq.Subcommands.Add(Delete(context, skip: true));
        dlq.Subcommands.Add(Purge(context));
        dlq.Subcommands.Add(Parked(context));
        return dlq;
    }

    private static Option<string> QueueOption() => new("--queue") { Description = "The endpoint's queue", Required = true };

    private static Command List(CliContext context)
    {
        var queue = QueueOption();
        var skip = new Option<int>("--skip") { Description = "Dead letters to pass over, oldest first" };
        var take = new Option<int>("--take") { Description = "Dead letters to list (1 to 1,000)", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "Lists an endpoint's dead letters, oldest first, with why each was dead-lettered") { queue, skip, take };
        command.SetAction((result, cancellationToken) => WithDeadLettersAsync(context, result, async deadLetters =>
        {
            if (result.GetValue(skip) < 0 || result.GetValue(take) is < 1 or > 1_000)
            {
                return await AdminCli.RefuseAsync(context, "--skip is 0 or more, --take 1 to 1,000").ConfigureAwait(false);
            }

            var name = result.GetRequiredValue(queue);
            var count = await deadLetters.CountAsync(name, cancellationToken).ConfigureAwait(false);
            var letters = await deadLetters.ListAsync(name, result.GetValue(skip), result.GetValue(take), cancellationToken).ConfigureAwait(false);
            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { queue = name, count, deadLetters = letters.Select(Summary) }).ConfigureAwait(false);
                return 0;
            }

            // The ordering key column only when a letter has one, so that an unordered queue's table stays as it was.
            var keyed = letters.Any(l => l.OrderingKey is not null);
            var table = new Table().AddColumns(keyed
                ? ["id", "message type", "ordering key", "dead-lettered", "attempts", "reason", "exception"]
                : ["id", "message type", "dead-lettered", "attempts", "reason", "exception"]);
            foreach (var letter in letters)
            {
                string[] cells =
                [
                    Markup.Escape(letter.Id),
                    Markup.Escape(letter.Envelope.MessageType),
                    letter.DeadLetteredAt?.ToString("u", CultureInfo.InvariantCulture) ?? "",
                    letter.Attempts.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(letter.Reason),
                    Markup.Escape(letter.ExceptionType is null ? "" : $"{letter.ExceptionType}: {letter.ExceptionMessage}"),
                ];
                table.AddRow(keyed ? [cells[0], cells[1], Markup.Escape(letter.OrderingKey ?? ""), .. cells[2..]] : cells);
            }

            table.Caption($"{letters.Count} of {count} dead letter(s) of {Markup.Escape(name)}");
            context.Console.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var queue = QueueOption();
        var id = new Argument<string>("id") { Description = "The dead letter's id (dlq list shows it)" };
        var command = new Command("show", "Shows one dead letter: headers, body and the stack trace") { queue, id };
        command.SetAction((result, cancellationToken) => WithDeadLettersAsync(context, result, async deadLetters =>
        {
            var name = result.GetRequiredValue(queue);
            if (await deadLetters.GetAsync(name, result.GetRequiredValue(id), cancellationToken).ConfigureAwait(false) is not { } letter)
            {
                return await NotFoundAsync(context, name, result.GetRequiredValue(id)).ConfigureAwait(false);
            }

            var body = Body(letter);
            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { summary = Summary(letter), headers = letter.Envelope.Headers, body, stackTrace = letter.StackTrace }).ConfigureAwait(false);
                return 0;
            }

            var headers = new Table().AddColumns("header", "value");
            headers.AddRow("message id", Markup.Escape(letter.Envelope.MessageId));
            headers.AddRow("message type", Markup.Escape(letter.Envelope.MessageType));
            headers.AddRow("correlation id", Markup.Escape(letter.Envelope.CorrelationId ?? ""));
            headers.AddRow("causation id", Markup.Escape(letter.Envelope.CausationId ?? ""));
            headers.AddRow("sent at", letter.Envelope.SentAt.ToString("O", CultureInfo.InvariantCulture));
            foreach (var (key, value) in letter.Envelope.Headers.Where(h => h.Key != Messages.HeaderNames.ExceptionStackTrace).OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                headers.AddRow(Markup.Escape(key), Markup.Escape(value));
            }

            context.Console.Write(headers);
            context.Console.Write(new Panel(new Text(body)).Header("body (" + letter.Envelope.ContentType + ")"));
            if (letter.StackTrace is { } stack)
            {
                context.Console.Write(new Panel(new Text(stack)).Header("exception"));
            }

            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Redrive(CliContext context)
    {
        var queue = QueueOption();
        var ids = new Argument<string[]>("id") { Description = "The dead letters to send back to their queue", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every dead letter of the queue, with a progress bar" };
        var command = new Command("redrive", "Sends dead letters back to their queue, without the dead-letter headers and with a fresh retry budget") { queue, ids, all };
        command.SetAction((result, cancellationToken) => WithDeadLettersAsync(context, result, async deadLetters =>
        {
            var name = result.GetRequiredValue(queue);
            var chosen = result.GetValue(ids) ?? [];
            if (chosen.Length == 0 == !result.GetValue(all))
            {
                return await AdminCli.RefuseAsync(context, "name the dead letters to re-drive, or --all (not both)").ConfigureAwait(false);
            }

            if (result.GetValue(all))
            {
                var total = await deadLetters.CountAsync(name, cancellationToken).ConfigureAwait(false);
                var done = await RedriveAllAsync(context, deadLetters, name, total, cancellationToken).ConfigureAwait(false);
                return await ReportAsync(context, result, "redriven", name, done, []).ConfigureAwait(false);
            }

            var missing = new List<string>();
            var redriven = 0;
            foreach (var id in chosen)
            {
                if (await deadLetters.RedriveAsync(name, id, cancellationToken).ConfigureAwait(false))
                {
                    redriven++;
                }
                else
                {
                    missing.Add(id);
                }
            }

            return await ReportAsync(context, result, "redriven", name, redriven, missing).ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }

    // skip is delete under the name an operator of an ordered queue looks for, and says which keys it released.
    private static Command Delete(CliContext context, bool skip)
    {
        var queue = QueueOption();
        var ids = new Argument<string[]>("id") { Description = skip ? "The dead letters to skip" : "The dead letters to delete", Arity = ArgumentArity.OneOrMore };
        var command = skip
            ? new Command("skip", "Skips parked messages on purpose: deletes their dead letters, never handled, and releases the later messages of their keys") { queue, ids }
            : new Command("delete", "Deletes dead letters for good (on an ordered queue, that skips them and releases their keys)") { queue, ids };
        command.SetAction((result, cancellationToken) => AdminCli.WithBackendAsync(context, result, async backend =>
        {
            if (backend is not { DeadLetters: { } deadLetters, ParkedKeys: { } parkedKeys })
            {
                return await AdminCli.RefuseAsync(context, NoTransport).ConfigureAwait(false);
            }

            var name = result.GetRequiredValue(queue);
            var chosen = result.GetRequiredValue(ids);
            // Read before deleting: once deleted, a dead letter parks nothing.
            var parking = skip ? await ParkedByAsync(parkedKeys, name, chosen, cancellationToken).ConfigureAwait(false) : [];
            var missing = new List<string>();
            var deleted = new List<string>();
            foreach (var id in chosen)
            {
                (await deadLetters.DeleteAsync(name, id, cancellationToken).ConfigureAwait(false) ? deleted : missing).Add(id);
            }

            if (!skip)
            {
                return await ReportAsync(context, result, "deleted", name, deleted.Count, missing).ConfigureAwait(false);
            }

            var released = parking.Where(k => deleted.Contains(k.DeadLetterId)).Select(k => k.Key).ToList();
            var then = deleted.Count == 0 ? "" : released.Count == 0 ? "; none of them parked a key" : $"; released key(s) {string.Join(", ", released)}";
            return await ReportAsync(context, result, "skipped", name, deleted.Count, missing, then, released).ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }

    private static async Task<List<ParkedKey>> ParkedByAsync(IParkedKeyAccess parkedKeys, string queue, string[] ids, CancellationToken cancellationToken)
    {
        var found = new List<ParkedKey>();
        for (var skip = 0; found.Count < ids.Length; skip += 500)
        {
            var page = await parkedKeys.ListAsync(queue, skip, 500, cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Keys.Where(k => ids.Contains(k.DeadLetterId)));
            if (page.Keys.Count < 500)
            {
                break;
            }
        }

        return found;
    }

    private static Command Purge(CliContext context)
    {
        var queue = QueueOption();
        var yes = new Option<bool>("--yes") { Description = "Confirms: every dead letter of the queue is deleted for good" };
        var command = new Command("purge", "Deletes every dead letter of a queue (needs --yes)") { queue, yes };
        command.SetAction((result, cancellationToken) =>
        {
            var name = result.GetRequiredValue(queue);
            if (!result.GetValue(yes))
            {
                return AdminCli.RefuseAsync(context, $"purge deletes every dead letter of '{name}' for good: add --yes to confirm (nothing was deleted)");
            }

            return WithDeadLettersAsync(context, result, async deadLetters =>
            {
                var purged = await deadLetters.PurgeAsync(name, cancellationToken).ConfigureAwait(false);
                return await ReportAsync(context, result, "purged", name, purged, []).ConfigureAwait(false);
            }, cancellationToken);
        });
        return command;
    }

    private static Command Parked(CliContext context)
    {
        var queue = QueueOption();
        var skip = new Option<int>("--skip") { Description = "Parked keys to pass over, oldest dead letter first" };
        var take = new Option<int>("--take") { Description = "Parked keys to list (1 to 500)", DefaultValueFactory = _ => 50 };
        var command = new Command("parked", "Lists the ordering keys of an ordered queue that a dead letter parks, with how many messages wait behind each") { queue, skip, take };
        command.SetAction((result, cancellationToken) => AdminCli.WithBackendAsync(context, result, async backend =>
        {
            if (backend.ParkedKeys is not { } parkedKeys)
            {
                return await AdminCli.RefuseAsync(context, NoTransport).ConfigureAwait(false);
            }

            if (result.GetValue(skip) < 0 || result.GetValue(take) is < 1 or > 500)
            {
                return await AdminCli.RefuseAsync(context, "--skip is 0 or more, --take 1 to 500").ConfigureAwait(false);
            }

            var name = result.GetRequiredValue(queue);
            var page = await parkedKeys.ListAsync(name, result.GetValue(skip), result.GetValue(take), cancellationToken).ConfigureAwait(false);
            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new
                {
                    queue = name,
                    total = page.Total,
                    parkedKeys = page.Keys.Select(k => new { k.Key, k.DeadLetterId, k.Waiting }),
                    none = page.NoneBecause,
                }).ConfigureAwait(false);
                return 0;
            }

            if (page.NoneBecause is { } why)
            {
                await context.Output.WriteLineAsync($"{name}: {why}.").ConfigureAwait(false);
                return 0;
            }

            var table = new Table().AddColumns("key", "dead letter id", "waiting");
            foreach (var key in page.Keys)
            {
                table.AddRow(Markup.Escape(key.Key), Markup.Escape(key.DeadLetterId), key.Waiting.ToString(CultureInfo.InvariantCulture));
            }

            var of = page.Total is { } total ? $" of {total}" : "";
            table.Caption($"{page.Keys.Count}{of} parked key(s) of {Markup.Escape(name)}: dlq redrive handles a key's dead letter first, then the waiting ones; dlq skip releases them without it");
            context.Console.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }

    // One at a time, oldest first, so that the bar moves and a stop halfway leaves the rest where they were.
    private static async Task<int> RedriveAllAsync(CliContext context, IDeadLetterQueue deadLetters, string queue, long total, CancellationToken cancellationToken)
    {
        var done = 0;
        await context.Console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask($"re-driving {Markup.Escape(queue)}", maxValue: Math.Max(total, 1));
            // At most the letters there were at the start: one that fails again and comes back is not re-driven twice.
            while (done < total)
            {
                var page = await deadLetters.ListAsync(queue, 0, (int)Math.Min(Page, total - done), cancellationToken).ConfigureAwait(false);
                var before = done;
                foreach (var letter in page)
                {
                    if (await deadLetters.RedriveAsync(queue, letter.Id, cancellationToken).ConfigureAwait(false))
                    {
                        done++;
                        task.Increment(1);
                    }
                }

                if (done == before)
                {
                    break;
                }
            }

            task.Value = task.MaxValue;
        }).ConfigureAwait(false);
        return done;
    }

    private static async Task<int> ReportAsync(CliContext context, ParseResult result, string what, string queue, int count, List<string> missing, string then = "", List<string>? released = null)
    {
        if (result.GetValue(context.Options.Json))
        {
            var report = new Dictionary<string, object> { ["queue"] = queue, [what] = count, ["notFound"] = missing };
            if (released is not null)
            {
                report["releasedKeys"] = released;
            }

            await Json.WriteAsync(context.Output, report).ConfigureAwait(false);
        }
        else
        {
            await context.Output.WriteLineAsync($"{count} dead letter(s) of {queue} {what}{then}.").ConfigureAwait(false);
        }

        var exitCode = 0;
        foreach (var id in missing)
        {
            exitCode = await NotFoundAsync(context, queue, id).ConfigureAwait(false);
        }

        return exitCode;
    }

    private static async Task<int> NotFoundAsync(CliContext context, string queue, string id)
    {
        await context.Error.WriteLineAsync($"switchboard: no dead letter '{id}' in {queue}").ConfigureAwait(false);
        return AdminCli.Failed;
    }

    private static Task<int> WithDeadLettersAsync(CliContext context, ParseResult result, Func<IDeadLetterQueue, Task<int>> work, CancellationToken cancellationToken) =>
        AdminCli.WithBackendAsync(context, result, backend => backend.DeadLetters is { } deadLetters
            ? work(deadLetters)
            : AdminCli.RefuseAsync(context, NoTransport), cancellationToken);

    private static object Summary(DeadLetter letter) => new
    {
        letter.Id,
        letter.Envelope.MessageId,
        letter.Envelope.MessageType,
        letter.Envelope.CorrelationId,
        letter.DeadLetteredAt,
        letter.Attempts,
        letter.OrderingKey,
        letter.Reason,
        letter.ExceptionType,
        letter.ExceptionMessage,
    };

    private static string Body(DeadLetter letter)
    {
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(letter.Envelope.Body.Span);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return "base64:" + Convert.ToBase64String(letter.Envelope.Body.Span);
        }
    }
}
