using System.CommandLine;
using System.CommandLine.Invocation;
using Npgsql;
using RabbitMQ.Client.Exceptions;
using Spectre.Console;
using Switchboard.Transport;

namespace Switchboard.Cli;

/// <summary>
/// <c>switchboard</c>: the admin CLI. <c>flow</c>, <c>dlq list|show|redrive|delete|skip|purge|parked</c>, <c>outbox list|release</c>,
/// <c>projections status</c> on a SQLite file (<c>--sqlite</c>), on RabbitMQ (<c>--rabbitmq</c>) and PostgreSQL
/// (<c>--postgres</c>, <c>--schema</c>), or through a running application's console (<c>--console</c>), which alone
/// also gives <c>endpoints</c>, <c>sagas list|show</c>, <c>projections rebuild</c> and <c>asyncapi</c>.
/// Exit codes: 0 done, 1 failed or not found (one line on standard error), 2 a usage error (nothing changed).
/// </summary>
internal static class AdminCli
{
    public const int Failed = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var options = new CliOptions();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(output, Console.Out) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Tables as wide as a terminal allows; when written to a file or a pipe, wide enough not to fold ids.
        console.Profile.Width = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? Console.WindowWidth : 240;
        var context = new CliContext(options, console, output, error);
        var root = new RootCommand("switchboard: Switchboard's admin CLI. Endpoints, dead letters, the outbox, sagas, projections and the flow of one conversation, on a SQLite file (--sqlite), on RabbitMQ (--rabbitmq) and PostgreSQL (--postgres, --schema), or through a running application's console (--console), which also gives its AsyncAPI document.")
        {
            options.Sqlite, options.RabbitMq, options.Postgres, options.Schema, options.Console, options.Token, options.Json,
            EndpointsCommand.Create(context),
            FlowCommand.Create(context),
            DeadLetterCommands.Create(context),
            OutboxCommands.Create(context),
            ProjectionCommands.Create(context),
            SagaCommands.Create(context),
            AsyncApiCommand.Create(context),
        };
        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync("switchboard: " + problem.Message).ConfigureAwait(false);
            }

            return UsageError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one command's work against the backend its options name, turning failures into one line and an exit code.</summary>
    public static async Task<int> WithBackendAsync(CliContext context, ParseResult result, Func<Backend, Task<int>> work, CancellationToken cancellationToken)
    {
        Connection connection;
        try
        {
            connection = context.Options.Read(result);
        }
        catch (CliException e)
        {
            return await RefuseAsync(context, e.Message).ConfigureAwait(false);
        }

        try
        {
            var backend = await Backend.OpenAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (backend.ConfigureAwait(false))
            {
                return await work(backend).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is CliException or HttpRequestException or NpgsqlException or BrokerUnreachableException or OperationInterruptedException or TransportUnavailableException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            await context.Error.WriteLineAsync("switchboard: " + e.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Still one line, with what failed: a stack trace is no answer for an operator.
            await context.Error.WriteLineAsync($"switchboard: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            return Failed;
        }
    }

    /// <summary>Runs a command that only a running application can answer: it needs <c>--console</c>.</summary>
    public static Task<int> WithConsoleAsync(CliContext context, ParseResult result, string what, Func<ConsoleApiClient, Task<int>> work, CancellationToken cancellationToken) =>
        WithBackendAsync(context, result, async backend => backend.Console is { } console
            ? await work(console).ConfigureAwait(false)
            : await RefuseAsync(context, $"{what} only a running application knows: give --console URL").ConfigureAwait(false), cancellationToken);

    /// <summary>A usage error: one line, exit code 2, nothing done.</summary>
    public static async Task<int> RefuseAsync(CliContext context, string message)
    {
        await context.Error.WriteLineAsync("switchboard: " + message).ConfigureAwait(false);
        return UsageError;
    }
}

/// <summary>What every command shares: the options, the console for tables, and the plain writers.</summary>
internal sealed record CliContext(CliOptions Options, IAnsiConsole Console, TextWriter Output, TextWriter Error);
