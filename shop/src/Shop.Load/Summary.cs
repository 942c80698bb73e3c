using System.Text.Json;
using Shop.Contracts;
using Shop.Invariants;
using Spectre.Console;
using Switchboard.Diagnostics;

namespace Shop;

/// <summary>The demo's summary table.</summary>
internal static class Summary
{
    public static void Print(PlacedOrders placed, EventLedger ledger, InvariantReport report, int notifications, JsonElement analytics, TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, object value) => table.AddRow(Markup.Escape(name), Markup.Escape(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));

        Row("requests", placed.Requests);
        Row("orders accepted", placed.Accepted.Count);
        Row("repeated idempotency keys (same order returned)", placed.Repeats);
        Row("requests refused", placed.Refused);
        Row("completed", report.Completed);
        Row("failed", report.Failed);
        Row("cancelled", report.Cancelled);
        foreach (var reason in ledger.Of<OrderFailed>().GroupBy(f => f.Reason.Split(':')[0]).OrderByDescending(g => g.Count()))
        {
            Row("  failed: " + reason.Key, reason.Count());
        }

        Row("refunds", report.Refunds);
        Row("notifications sent", notifications);
        var latencies = Latencies(ledger);
        Row("order to terminal p50 (ms)", Percentile(latencies, 50).ToString("F0", System.Globalization.CultureInfo.InvariantCulture));
        Row("order to terminal p99 (ms)", Percentile(latencies, 99).ToString("F0", System.Globalization.CultureInfo.InvariantCulture));
        Row("throughput (orders/s, placing to last terminal)", (placed.Accepted.Count / elapsed.TotalSeconds).ToString("F0", System.Globalization.CultureInfo.InvariantCulture));
        Row("elapsed (s)", elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var figure in analytics.EnumerateObject().Where(p => p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.String))
        {
            Row("analytics: " + figure.Name, figure.Value.ToString());
        }

        AnsiConsole.Write(table);
        if (report.Passed && placed.KeyMismatches == 0)
        {
            AnsiConsole.MarkupLine("[green]invariants: all hold[/] (one terminal state per order, no double charge, refunds exactly once, stock conserved and never negative, no duplicate notification)");
        }
        else
        {
            AnsiConsole.MarkupLine($"[red]invariants: {report.Violations.Count + placed.KeyMismatches} violation(s)[/]");
            foreach (var violation in report.Violations.Take(20))
            {
                AnsiConsole.MarkupLine("  [red]" + Markup.Escape(violation) + "[/]");
            }
        }
    }

    private static double Percentile(List<double> sorted, double percentile) =>
        sorted.Count == 0 ? 0 : NearestRank.Percentile(sorted, percentile);

    private static List<double> Latencies(EventLedger ledger)
    {
        var created = ledger.Of<OrderCreated>().GroupBy(e => e.OrderId).ToDictionary(g => g.Key, g => g.First().CreatedAt);
        return ledger.Of<OrderCompleted>().Select(e => (e.OrderId, At: e.CompletedAt))
            .Concat(ledger.Of<OrderFailed>().Select(e => (e.OrderId, At: e.FailedAt)))
            .Concat(ledger.Of<OrderCancelled>().Select(e => (e.OrderId, At: e.CancelledAt)))
            .Where(t => created.ContainsKey(t.OrderId))
            .Select(t => (t.At - created[t.OrderId]).TotalMilliseconds)
            .Order()
            .ToList();
    }
}
