using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Switchboard.Cli;

/// <summary><c>sagas list</c> and <c>sagas show NAME KEY</c>: a running application's sagas, through its console.</summary>
internal static class SagaCommands
{
    public static Command Create(CliContext context)
    {
        var sagas = new Command("sagas", "The application's sagas and their instances (--console)");
        sagas.Subcommands.Add(List(context));
        sagas.Subcommands.Add(Show(context));
        return sagas;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "Shows each saga: its endpoint, its state type, whether it is event-sourced");
        command.SetAction((result, cancellationToken) => AdminCli.WithConsoleAsync(context, result, "sagas", async console =>
        {
            var sagas = await console.GetAsync("sagas", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new { sagas }).ConfigureAwait(false);
                return 0;
            }

            var table = new Table().AddColumns("saga", "endpoint", "state", "event-sourced");
            foreach (var s in sagas.EnumerateArray())
            {
                table.AddRow(
                    Markup.Escape(s.GetProperty("name").GetString()!),
                    Markup.Escape(s.GetProperty("endpoint").GetString()!),
                    Markup.Escape(s.GetProperty("stateType").GetString()!),
                    s.GetProperty("eventSourced").GetBoolean() ? "yes" : "no");
            }

            context.Console.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The saga's name (sagas list)" };
        var key = new Argument<string>("key") { Description = "The instance's correlation key (in Shop, an order's id)" };
        var command = new Command("show", "Shows one saga instance: its version, whether it completed, its state, or an event-sourced saga's events") { name, key };
        command.SetAction((result, cancellationToken) => AdminCli.WithConsoleAsync(context, result, "sagas", async console =>
        {
            var path = $"sagas/{ConsoleApiClient.Escape(result.GetRequiredValue(name))}/{ConsoleApiClient.Escape(result.GetRequiredValue(key))}";
            var instance = await console.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, instance).ConfigureAwait(false);
                return 0;
            }

            var completed = instance.GetProperty("completed");
            context.Console.MarkupLine($"[bold]{Markup.Escape(instance.GetProperty("saga").GetString()!)}[/] {Markup.Escape(instance.GetProperty("key").GetString()!)}: version {instance.GetProperty("version").GetInt64()}"
                + (completed.ValueKind == JsonValueKind.Null ? "" : completed.GetBoolean() ? ", completed" : ", running"));
            if (instance.GetProperty("state") is { ValueKind: JsonValueKind.String } state)
            {
                context.Console.WriteLine(state.GetString()!);
            }

            if (instance.GetProperty("pendingTimeouts") is { ValueKind: JsonValueKind.Array } timeouts)
            {
                context.Console.MarkupLine($"{timeouts.GetArrayLength()} pending timeout(s)");
                foreach (var timeout in timeouts.EnumerateArray())
                {
                    context.Console.MarkupLine($"  {Markup.Escape(timeout.GetProperty("messageType").GetString()!)} due {timeout.GetProperty("dueAt").GetDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)}");
                }
            }
            else
            {
                context.Console.MarkupLine("pending timeouts: [dim]unavailable[/] (the transport cannot list scheduled messages)");
            }

            var events = instance.GetProperty("events");
            if (events.GetArrayLength() > 0)
            {
                var table = new Table().AddColumns("version", "recorded", "type", "data");
                foreach (var e in events.EnumerateArray())
                {
                    table.AddRow(
                        e.GetProperty("version").GetInt64().ToString(CultureInfo.InvariantCulture),
                        e.GetProperty("recordedAt").GetDateTimeOffset().ToString("u", CultureInfo.InvariantCulture),
                        Markup.Escape(e.GetProperty("type").GetString()!),
                        Markup.Escape(e.GetProperty("data").GetString()!));
                }

                context.Console.Write(table);
            }

            return 0;
        }, cancellationToken));
        return command;
    }
}
