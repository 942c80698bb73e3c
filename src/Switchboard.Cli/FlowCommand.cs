using System.CommandLine;
using Spectre.Console;
using Switchboard.Auditing;

namespace Switchboard.Cli;

/// <summary><c>switchboard flow ID</c>: one conversation's causation tree and timeline, from every named store's audit log.</summary>
internal static class FlowCommand
{
    private const int MaxCorrelationIdLength = 200;

    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("correlation-id") { Description = "The conversation (in Shop, an order's id)" };
        var max = new Option<int>("--max") { Description = "Records to read at most, per store", DefaultValueFactory = _ => 10_000 };
        var command = new Command("flow", "Shows one conversation's messages: what caused what, and every delivery in the order they finished (audit log)") { id, max };
        command.SetAction((result, cancellationToken) => AdminCli.WithBackendAsync(context, result, async backend =>
        {
            var correlationId = result.GetRequiredValue(id);
            if (string.IsNullOrWhiteSpace(correlationId) || correlationId.Length > MaxCorrelationIdLength)
            {
                return await AdminCli.RefuseAsync(context, $"a correlation id has 1 to {MaxCorrelationIdLength} characters").ConfigureAwait(false);
            }

            if (result.GetValue(max) is < 1 or > 1_000_000)
            {
                return await AdminCli.RefuseAsync(context, "--max is 1 to 1,000,000").ConfigureAwait(false);
            }

            if (backend.AuditLogs.Count == 0)
            {
                return await AdminCli.RefuseAsync(context, "flow reads audit logs: give --sqlite FILE, --postgres CONNECTION or --console URL").ConfigureAwait(false);
            }

            var records = new List<AuditRecord>();
            foreach (var (_, log) in backend.AuditLogs)
            {
                records.AddRange(await log.ReadConversationAsync(correlationId, result.GetValue(max), cancellationToken).ConfigureAwait(false));
            }

            if (records.Count == 0)
            {
                await context.Error.WriteLineAsync($"switchboard: no audited message of conversation '{correlationId}' in {string.Join(", ", backend.AuditLogs.Select(l => l.Name))}").ConfigureAwait(false);
                return AdminCli.Failed;
            }

            var flow = MessageFlow.Build(correlationId, records);
            if (result.GetValue(context.Options.Json))
            {
                await Json.WriteAsync(context.Output, new
                {
                    correlationId,
                    timeline = flow.Timeline.Select(Describe),
                    tree = flow.DepthFirst().Select(Line),
                }).ConfigureAwait(false);
            }
            else
            {
                Render(context.Console, flow);
            }

            return 0;
        }, cancellationToken));
        return command;
    }

    private static void Render(IAnsiConsole console, MessageFlow flow)
    {
        var tree = new Tree($"conversation [bold]{Markup.Escape(flow.CorrelationId)}[/]");
        var parents = new List<IHasTreeNodes> { tree };
        foreach (var line in flow.DepthFirst())
        {
            var deliveries = string.Join(", ", line.Node.Deliveries.Select(d => $"{d.Endpoint} {AuditOutcomeNames.Of(d.Outcome)}"));
            var label = $"{Markup.Escape(line.Node.MessageType)} [dim]{Markup.Escape(line.Node.MessageId)}[/] → {Markup.Escape(deliveries)}";
            parents.RemoveRange(line.Depth + 1, parents.Count - line.Depth - 1);
            parents.Add(parents[line.Depth].AddNode(line.Node.DeadLettered ? $"[red]{label}[/]" : label));
        }

        console.Write(tree);
        var table = new Table().AddColumns("finished", "message type", "endpoint", "service", "instance", "outcome", "attempts", "reason");
        foreach (var r in flow.Timeline)
        {
            table.AddRow(
                r.FinishedAt.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(r.MessageType),
                Markup.Escape(r.Endpoint),
                Markup.Escape(r.Service),
                Markup.Escape(r.Instance),
                AuditOutcomeNames.Of(r.Outcome),
                r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(r.ExceptionMessage is null ? r.Reason ?? "" : $"{r.Reason}: {r.ExceptionType}: {r.ExceptionMessage}"));
        }

        console.Write(table);
    }

    private static object Describe(AuditRecord r) => new
    {
        r.MessageId,
        r.MessageType,
        r.CausationId,
        r.TraceParent,
        r.Endpoint,
        r.Service,
        r.Instance,
        outcome = AuditOutcomeNames.Of(r.Outcome),
        r.Attempts,
        r.SentAt,
        r.ReceivedAt,
        r.FinishedAt,
        r.Reason,
        r.ExceptionType,
        r.ExceptionMessage,
    };

    private static object Line(FlowLine line) => new
    {
        line.Node.MessageId,
        line.Node.MessageType,
        causedBy = line.CausedBy,
        depth = line.Depth,
        endpoints = line.Node.Deliveries.Select(d => d.Endpoint).Distinct().ToList(),
        deadLettered = line.Node.DeadLettered,
    };
}
