using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Switchboard.Auditing;
using static Switchboard.Console.Html;

namespace Switchboard.Console;

/// <summary>
/// The console's server-rendered pages. Actions are forms that post back and redirect (so a reload repeats nothing);
/// deleting, purging, re-driving more than one message and rebuilding first show what they will do and wait for a
/// second, confirming post.
/// </summary>
internal static class ConsolePages
{
    public static void Map(RouteGroupBuilder pages, string prefix)
    {
        pages.MapGet("/", (HttpContext http, ConsoleBackend backend) =>
            Respond(http, prefix, "endpoints", "Endpoints", async view => await EndpointsAsync(view, backend).ConfigureAwait(false)));
        pages.MapGet("/assets/console.css", () => Results.Stream(
            typeof(ConsolePages).Assembly.GetManifestResourceStream("Switchboard.Console.console.css")!, "text/css; charset=utf-8"));

        pages.MapGet("/dead-letters", (HttpContext http, ConsoleBackend backend, string? endpoint, string? type, string? exception) =>
            Respond(http, prefix, "dead-letters", "Dead letters", view => DeadLettersAsync(view, backend, endpoint, type, exception)));
        pages.MapGet("/dead-letters/{endpoint}/{id}", (HttpContext http, ConsoleBackend backend, string endpoint, string id) =>
            Respond(http, prefix, "dead-letters", "Dead letter", view => DeadLetterAsync(view, backend, endpoint, id)));
        pages.MapPost("/dead-letters/{endpoint}/redrive", (HttpContext http, ConsoleBackend backend, string endpoint) =>
            Act(http, prefix, "dead-letters", async (view, form) =>
            {
                var all = form["all"] == "true";
                var ids = all ? [] : Ids(form);
                if ((all || ids.Length > 1) && !Confirmed(form))
                {
                    return Confirm(view, form, $"Send {(all ? "every dead letter" : $"{ids.Length} dead letters")} of {endpoint} back to its queue?", "Re-drive", $"/dead-letters?endpoint={U(endpoint)}");
                }

                var redriven = await backend.RedriveAsync(endpoint, all ? null : ids, http.RequestAborted).ConfigureAwait(false);
                return Done(view, $"/dead-letters?endpoint={U(endpoint)}", $"{redriven} dead letter(s) of {endpoint} re-driven.");
            }));
        pages.MapPost("/dead-letters/{endpoint}/delete", (HttpContext http, ConsoleBackend backend, string endpoint) =>
            Act(http, prefix, "dead-letters", async (view, form) =>
            {
                var ids = Ids(form);
                if (!Confirmed(form))
                {
                    var skips = backend.IsOrdered(endpoint) ? " On this ordered endpoint that skips them: the later messages of their keys are released and handled without them." : "";
                    return Confirm(view, form, $"Delete {ids.Length} dead letter(s) of {endpoint} for good?{skips}", "Delete", $"/dead-letters?endpoint={U(endpoint)}", danger: true);
                }

                var deleted = await backend.DeleteAsync(endpoint, ids, http.RequestAborted).ConfigureAwait(false);
                return Done(view, $"/dead-letters?endpoint={U(endpoint)}", $"{deleted} dead letter(s) of {endpoint} deleted.");
            }));
        pages.MapPost("/dead-letters/{endpoint}/purge", (HttpContext http, ConsoleBackend backend, string endpoint) =>
            Act(http, prefix, "dead-letters", async (view, form) =>
            {
                if (!Confirmed(form))
                {
                    return Confirm(view, form, $"Delete every dead letter of {endpoint} for good? Type the endpoint's name to confirm.", "Purge", $"/dead-letters?endpoint={U(endpoint)}", danger: true, typeToConfirm: true);
                }

                var purged = await backend.PurgeAsync(endpoint, form["confirm"], http.RequestAborted).ConfigureAwait(false);
                return Done(view, $"/dead-letters?endpoint={U(endpoint)}", $"{purged} dead letter(s) of {endpoint} purged.");
            }));

        pages.MapGet("/outbox", (HttpContext http, ConsoleBackend backend) =>
            Respond(http, prefix, "outbox", "Outbox", view => OutboxAsync(view, backend)));
        pages.MapPost("/outbox/release", (HttpContext http, ConsoleBackend backend) =>
            Act(http, prefix, "outbox", async (view, form) =>
            {
                var released = await backend.ReleaseAsync(form["all"] == "true" ? null : Ids(form), http.RequestAborted).ConfigureAwait(false);
                return Done(view, "/outbox", $"{released} quarantined message(s) released.");
            }));

        pages.MapGet("/sagas", (HttpContext http, ConsoleBackend backend, string? saga, string? key) =>
            Respond(http, prefix, "sagas", "Sagas", view => SagasAsync(view, backend, saga, key)));

        pages.MapGet("/projections", (HttpContext http, ConsoleBackend backend) =>
            Respond(http, prefix, "projections", "Subscriptions and projections", view => ProjectionsAsync(view, backend)));
        pages.MapPost("/projections/{name}/rebuild", (HttpContext http, ConsoleBackend backend, string name) =>
            Act(http, prefix, "projections", (view, form) =>
            {
                if (!Confirmed(form))
                {
                    return Task.FromResult(Confirm(view, form, $"Rebuild projection {name} from the first event? Its read model keeps serving until the new one has caught up.", "Rebuild", "/projections"));
                }

                var started = backend.StartRebuild(name);
                return Task.FromResult(Done(view, "/projections", started ? $"Rebuilding {name}." : $"A rebuild of {name} already runs."));
            }));

        pages.MapGet("/flows", (HttpContext http, ConsoleBackend backend, string? id) =>
            Respond(http, prefix, "flows", "Message flow", view => FlowAsync(view, backend, id)));
    }

    private static async Task<string> EndpointsAsync(PageView view, ConsoleBackend backend)
    {
        var rows = await backend.ListEndpointsAsync(view.Http.RequestAborted).ConfigureAwait(false);
        var html = new Html();
        if (rows.Count == 0)
        {
            return html.Line("<p class=\"muted\">This application has no receive endpoints.</p>").ToString();
        }

        html.Line("<table id=\"endpoints\"><thead><tr><th>Endpoint</th><th>State</th><th class=\"num\">Ready</th><th class=\"num\">In flight</th><th class=\"num\">Consumers (here / broker)</th>"
            + "<th class=\"num\">Handled /min</th><th class=\"num\">Failed /min</th><th class=\"num\">Dead-lettered /min</th><th class=\"num\">Handled</th><th class=\"num\">Dead letters</th><th>Handles</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            var e = row.Endpoint;
            var counts = e.Counts;
            var deadLetters = Figure(row.DeadLetters, n => n == 0 ? "0" : $"<a class=\"bad\" href=\"{view.Link($"/dead-letters?endpoint={U(e.Queue)}")}\">{n}</a>");
            if (row.ParkedKeys is { } parked)
            {
                deadLetters += Figure(parked, n => n == 0 ? "" : $"<br><span class=\"tag warn parked\">{(n is { } count ? E(count) : E(backend.ScanLimit) + "+")} key(s) parked</span>");
            }

            html.Line($"<tr data-endpoint=\"{E(e.Queue)}\"><td class=\"mono\">{E(e.Queue)}{(e.Transactional ? "<span class=\"tag\">transactional</span>" : "")}{(row.Ordered ? "<span class=\"tag\">ordered</span>" : "")}</td>"
                + $"<td>{(e.Running ? "<span class=\"good\">running</span>" : "<span class=\"bad\">stopped</span>")}</td>"
                + $"<td class=\"num\">{Figure(row.Queue, q => q is null ? "no queue" : E(q.Ready))}</td><td class=\"num\">{E(counts.InFlight)}</td>"
                + $"<td class=\"num\">{E(e.Concurrency)} / {Figure(row.Queue, q => q?.Consumers is { } c ? E(c) : "<span class=\"unavailable\" title=\"the transport does not report consumers\">unavailable</span>")}</td>"
                + $"<td class=\"num\">{E(counts.HandledLastMinute)}</td><td class=\"num\">{E(counts.FailedLastMinute)}</td><td class=\"num\">{E(counts.DeadLetteredLastMinute)}</td>"
                + $"<td class=\"num\">{E(counts.Handled)}</td><td class=\"num\">{deadLetters}</td><td class=\"muted\"><details><summary>{e.MessageTypes.Count} type(s)</summary>{E(string.Join(", ", e.MessageTypes))}</details></td></tr>");
        }

        return html.Line("</tbody></table><p class=\"muted\">Counts are this process's since it started; ready and consumers are the broker's.</p>").ToString();
    }

    private static async Task<string> DeadLettersAsync(PageView view, ConsoleBackend backend, string? endpoint, string? type, string? exception)
    {
        var list = await backend.ListDeadLettersAsync(endpoint, type, exception, 0, ConsoleBackend.MaxTake, view.Http.RequestAborted).ConfigureAwait(false);
        var html = new Html();
        var options = string.Concat(backend.Endpoints.Select(e => $"<option value=\"{E(e.Queue)}\"{(e.Queue == endpoint ? " selected" : "")}>{E(e.Queue)}</option>"));
        html.Line($"<form class=\"filters\" method=\"get\" action=\"{view.Link("/dead-letters")}\">"
            + $"<label>Endpoint<select name=\"endpoint\"><option value=\"\">every endpoint</option>{options}</select></label>"
            + $"<label>Message type<input type=\"search\" name=\"type\" value=\"{E(type)}\"></label>"
            + $"<label>Exception or reason<input type=\"search\" name=\"exception\" value=\"{E(exception)}\"></label>"
            + "<button type=\"submit\" class=\"secondary\">Filter</button></form>");
        html.Line($"<p id=\"dead-letter-count\">{list.Items.Count} shown of {list.Total} dead letter(s){(endpoint is { Length: > 0 } ? $" in {E(endpoint)}" : "")}.</p>");
        if (endpoint is { Length: > 0 } && list.Total > 0)
        {
            html.Line("<div class=\"actions\">"
                + PostButton(view.Link($"/dead-letters/{U(endpoint)}/redrive"), "Re-drive all", [("all", "true")])
                + PostButton(view.Link($"/dead-letters/{U(endpoint)}/purge"), "Purge", [], "danger") + "</div>");
        }

        if (list.Items.Count == 0)
        {
            return html.ToString();
        }

        // One form per endpoint shown: a selection re-drives or deletes within one endpoint.
        foreach (var group in list.Items.GroupBy(d => d.Queue))
        {
            var queue = group.Key;
            html.Line($"<h2 class=\"mono\">{E(queue)}</h2>");
            var parked = new Dictionary<string, ParkedKey>(StringComparer.Ordinal);
            if (backend.IsOrdered(queue))
            {
                var keys = await backend.ListParkedKeysAsync(queue, 0, ConsoleBackend.MaxTake, view.Http.RequestAborted).ConfigureAwait(false);
                ParkedKeys(html, view, keys);
                foreach (var key in keys.Items)
                {
                    parked[key.DeadLetterId] = key;
                }
            }

            // The ordering key column only where a message has one, so that an unordered endpoint's table stays as it was.
            var keyed = parked.Count > 0 || group.Any(d => d.OrderingKey is not null);
            html.Line($"<form method=\"post\" action=\"{view.Link($"/dead-letters/{U(queue)}/redrive")}\">");
            html.Line("<table class=\"dead-letters\"><thead><tr><th></th><th>Dead-lettered</th><th>Message type</th>" + (keyed ? "<th>Ordering key</th>" : "")
                + "<th>Reason</th><th>Exception</th><th class=\"num\">Attempts</th><th>Correlation</th></tr></thead><tbody>");
            foreach (var d in group)
            {
                var key = !keyed ? ""
                    : $"<td class=\"mono ordering-key\">{E(d.OrderingKey)}{(parked.TryGetValue(d.Id, out var p) ? $"<span class=\"tag warn\">parks it: {E(p.Waiting)} waiting</span>" : "")}</td>";
                html.Line($"<tr data-id=\"{E(d.Id)}\"><td><input type=\"checkbox\" name=\"id\" value=\"{E(d.Id)}\" aria-label=\"select {E(d.Id)}\"></td>"
                    + $"<td><a href=\"{view.Link($"/dead-letters/{U(queue)}/{U(d.Id)}")}\">{E(d.DeadLetteredAt)}</a></td><td class=\"mono\">{E(d.Envelope.MessageType)}</td>{key}"
                    + $"<td>{E(d.Reason)}</td><td><span class=\"mono\">{E(d.ExceptionType)}</span><br>{E(d.ExceptionMessage)}</td><td class=\"num\">{E(d.Attempts)}</td>"
                    + $"<td class=\"mono\">{(d.Envelope.CorrelationId is { } c ? $"<a href=\"{view.Link($"/flows?id={U(c)}")}\">{E(c)}</a>" : "")}</td></tr>");
            }

            html.Line("</tbody></table><div class=\"actions\"><button type=\"submit\">Re-drive selected</button>"
                + $"<button type=\"submit\" class=\"danger\" formaction=\"{view.Link($"/dead-letters/{U(queue)}/delete")}\">Delete selected</button></div></form>");
        }

        return html.ToString();
    }

    private static void ParkedKeys(Html html, PageView view, ParkedKeyList keys)
    {
        var queue = keys.Queue;
        html.Line($"<div class=\"parked-keys\" data-endpoint=\"{E(queue)}\"><h3>Parked keys <span class=\"muted\">({(keys.Total is { } total ? E(total) : E(keys.Items.Count) + "+")})</span></h3>");
        html.Line("<p class=\"muted\">This endpoint is ordered: a dead letter with an ordering key parks its key, and the key's later messages wait, "
            + "neither handled nor lost. Re-drive the dead letter to handle it first and then them; delete it to skip it for good and release them.</p>");
        if (keys.Items.Count == 0)
        {
            html.Line("<p class=\"muted\">No key is parked.</p></div>");
            return;
        }

        html.Line("<table class=\"parked\"><thead><tr><th>Key</th><th>Dead letter</th><th class=\"num\">Waiting</th></tr></thead><tbody>");
        foreach (var key in keys.Items)
        {
            html.Line($"<tr data-key=\"{E(key.Key)}\"><td class=\"mono\">{E(key.Key)}</td>"
                + $"<td class=\"mono\"><a href=\"{view.Link($"/dead-letters/{U(queue)}/{U(key.DeadLetterId)}")}\">{E(key.DeadLetterId)}</a></td><td class=\"num\">{E(key.Waiting)}</td></tr>");
        }

        html.Line("</tbody></table></div>");
    }

    private static async Task<string> DeadLetterAsync(PageView view, ConsoleBackend backend, string endpoint, string id)
    {
        var d = await backend.GetDeadLetterAsync(endpoint, id, view.Http.RequestAborted).ConfigureAwait(false);
        var envelope = d.Envelope;
        var html = new Html();
        html.Line("<table class=\"facts\"><tbody>"
            + $"<tr><th>Endpoint</th><td class=\"mono\">{E(d.Queue)}</td></tr><tr><th>Message</th><td class=\"mono\">{E(envelope.MessageType)} {E(envelope.MessageId)}</td></tr>"
            + $"<tr><th>Correlation</th><td class=\"mono\">{(envelope.CorrelationId is { } c ? $"<a href=\"{view.Link($"/flows?id={U(c)}")}\">{E(c)}</a>" : "")}</td></tr>"
            + $"<tr><th>Reason</th><td>{E(d.Reason)}</td></tr><tr><th>Exception</th><td><span class=\"mono\">{E(d.ExceptionType)}</span> {E(d.ExceptionMessage)}</td></tr>"
            + $"<tr><th>Attempts</th><td>{E(d.Attempts)}</td></tr><tr><th>Sent</th><td>{E(envelope.SentAt)}</td></tr><tr><th>Dead-lettered</th><td>{E(d.DeadLetteredAt)}</td></tr>"
            + (d.OrderingKey is { } orderingKey ? $"<tr><th>Ordering key</th><td class=\"mono\">{E(orderingKey)}</td></tr>" : "")
            + "</tbody></table>");
        if (await backend.FindParkedKeyAsync(d.Queue, d, view.Http.RequestAborted).ConfigureAwait(false) is { } parked)
        {
            html.Line($"<p id=\"parks\"><span class=\"tag warn\">parked</span> This dead letter parks key <span class=\"mono\">{E(parked.Key)}</span>: {E(parked.Waiting)} later message(s) of it wait. "
                + "Re-drive handles it first, then them; delete skips it and releases them.</p>");
        }

        html.Line("<div class=\"actions\">"
            + PostButton(view.Link($"/dead-letters/{U(d.Queue)}/redrive"), "Re-drive", [("id", d.Id)])
            + PostButton(view.Link($"/dead-letters/{U(d.Queue)}/delete"), "Delete", [("id", d.Id)], "danger") + "</div>");
        html.Line("<h2>Headers</h2><table class=\"headers\"><tbody>");
        foreach (var (name, value) in envelope.Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            html.Line($"<tr><th class=\"mono\">{E(name)}</th><td class=\"mono\">{E(value)}</td></tr>");
        }

        html.Line($"</tbody></table><h2>Body <span class=\"muted\">({E(envelope.ContentType)}, {E(envelope.Body.Length)} bytes)</span></h2><pre id=\"body\">{E(ConsoleJson.BodyText(envelope))}</pre>");
        if (d.StackTrace is { } stack)
        {
            html.Line($"<h2>Stack trace</h2><pre id=\"stack-trace\">{E(stack)}</pre>");
        }

        return html.ToString();
    }

    private static async Task<string> OutboxAsync(PageView view, ConsoleBackend backend)
    {
        var outbox = await backend.GetOutboxAsync(view.Http.RequestAborted).ConfigureAwait(false);
        var s = outbox.Statistics;
        var html = new Html();
        html.Line($"<table class=\"facts\" id=\"outbox\"><tbody><tr><th>Pending</th><td class=\"num\">{E(s.Pending)}</td></tr>"
            + $"<tr><th>Oldest pending since</th><td>{(s.OldestPendingAt is { } at ? E(at) : "<span class=\"muted\">none pending</span>")}</td></tr>"
            + $"<tr><th>Quarantined</th><td class=\"num\">{(s.Quarantined > 0 ? $"<span class=\"bad\">{E(s.Quarantined)}</span>" : "0")}</td></tr></tbody></table>");
        if (outbox.Quarantined.Count == 0)
        {
            return html.ToString();
        }

        html.Line("<h2>Quarantined</h2><div class=\"actions\">" + PostButton(view.Link("/outbox/release"), "Release all", [("all", "true")]) + "</div>");
        html.Line("<table><thead><tr><th>Created</th><th>Message</th><th>Destination</th><th class=\"num\">Attempts</th><th>Last error</th><th></th></tr></thead><tbody>");
        foreach (var e in outbox.Quarantined)
        {
            var message = e.Message.Envelope;
            html.Line($"<tr><td>{E(e.CreatedAt)}</td><td class=\"mono\">{E(message.MessageType)} {E(message.MessageId)}</td><td class=\"mono\">{E(e.Message.Kind)} {E(e.Message.Destination)}</td>"
                + $"<td class=\"num\">{E(e.Attempts)}</td><td>{E(e.LastError)}</td><td>{PostButton(view.Link("/outbox/release"), "Release", [("id", message.MessageId)], "secondary")}</td></tr>");
        }

        return html.Line("</tbody></table>").ToString();
    }

    private static async Task<string> SagasAsync(PageView view, ConsoleBackend backend, string? saga, string? key)
    {
        var sagas = backend.Sagas;
        var html = new Html();
        if (sagas.Count == 0)
        {
            return html.Line("<p class=\"muted\">This application runs no saga.</p>").ToString();
        }

        html.Line("<table><thead><tr><th>Saga</th><th>Endpoint</th><th>State</th></tr></thead><tbody>");
        foreach (var s in sagas)
        {
            html.Line($"<tr><td class=\"mono\">{E(s.Name)}</td><td class=\"mono\">{E(s.Endpoint)}</td><td>{E(s.StateType)}{(s.EventSourced ? "<span class=\"tag\">event-sourced</span>" : "")}</td></tr>");
        }

        var options = string.Concat(sagas.Select(s => $"<option{(s.Name == saga ? " selected" : "")}>{E(s.Name)}</option>"));
        html.Line($"</tbody></table><h2>Find an instance</h2><form class=\"filters\" method=\"get\" action=\"{view.Link("/sagas")}\">"
            + $"<label>Saga<select name=\"saga\">{options}</select></label><label>Key<input type=\"search\" name=\"key\" value=\"{E(key)}\" required></label>"
            + "<button type=\"submit\" class=\"secondary\">Find</button></form>");
        if (saga is null || key is null)
        {
            return html.ToString();
        }

        var instance = await backend.FindSagaAsync(saga, key, view.Http.RequestAborted).ConfigureAwait(false);
        html.Line($"<table class=\"facts\" id=\"saga\"><tbody><tr><th>Saga</th><td class=\"mono\">{E(instance.Saga)}</td></tr><tr><th>Key</th><td class=\"mono\">{E(instance.Key)}</td></tr>"
            + $"<tr><th>Version</th><td>{E(instance.Version)}</td></tr><tr><th>Completed</th><td>{(instance.Completed is { } done ? (done ? "yes" : "no") : "<span class=\"muted\">its aggregate's events tell</span>")}</td></tr>"
            + $"<tr><th>Flow</th><td><a href=\"{view.Link($"/flows?id={U(instance.Key)}")}\">messages of conversation {E(instance.Key)}</a></td></tr></tbody></table>");
        if (instance.PendingTimeouts is not { } timeouts)
        {
            html.Line("<h2>Pending timeouts</h2><p id=\"saga-timeouts\"><span class=\"unavailable\">unavailable</span>: this transport cannot list the messages it holds for later.</p>");
        }
        else if (timeouts.Count == 0)
        {
            html.Line("<h2>Pending timeouts</h2><p id=\"saga-timeouts\" class=\"muted\">none</p>");
        }
        else
        {
            html.Line("<h2>Pending timeouts</h2><table id=\"saga-timeouts\"><thead><tr><th>Due</th><th>Message</th></tr></thead><tbody>");
            foreach (var timeout in timeouts)
            {
                html.Line($"<tr><td>{E(timeout.DueAt)}</td><td class=\"mono\">{E(timeout.MessageType)} {E(timeout.MessageId)}</td></tr>");
            }

            html.Line("</tbody></table>");
        }

        if (instance.State is { } state)
        {
            html.Line($"<h2>State</h2><pre>{E(state)}</pre>");
        }

        if (instance.Events.Count > 0)
        {
            html.Line("<h2>Events</h2><table><thead><tr><th class=\"num\">Version</th><th>Recorded</th><th>Type</th><th>Data</th></tr></thead><tbody>");
            foreach (var e in instance.Events)
            {
                html.Line($"<tr><td class=\"num\">{E(e.Version)}</td><td>{E(e.RecordedAt)}</td><td class=\"mono\">{E(e.Type)}</td><td class=\"mono\">{E(e.Data)}</td></tr>");
            }

            html.Line("</tbody></table>");
        }

        return html.ToString();
    }

    private static async Task<string> ProjectionsAsync(PageView view, ConsoleBackend backend)
    {
        var projections = await backend.GetProjectionsAsync(view.Http.RequestAborted).ConfigureAwait(false);
        var html = new Html();
        html.Line($"<p>The event store's last position: {Figure(projections.Head, h => E(h))}.</p>");
        html.Line("<table id=\"projections\"><thead><tr><th>Name</th><th>Kind</th><th>State</th><th class=\"num\">Position</th><th class=\"num\">Lag</th><th class=\"num\">Generation</th><th></th></tr></thead><tbody>");
        foreach (var r in projections.Runners)
        {
            var state = r.Rebuilding ? "<span class=\"tag warn\">rebuilding</span>" : r.Running ? "<span class=\"good\">running</span>" : "<span class=\"bad\">not running</span>";
            if (projections.FailedRebuilds.TryGetValue(r.Name, out var failure))
            {
                state += $"<br><span class=\"bad\">last rebuild failed: {E(failure)}</span>";
            }

            html.Line($"<tr data-name=\"{E(r.Name)}\"><td class=\"mono\">{E(r.Name)}</td><td>{(r.IsProjection ? "projection" : "subscription")}</td><td>{state}</td>"
                + $"<td class=\"num\">{E(r.Position)}</td><td class=\"num\">{E(r.Lag)}</td><td class=\"num\">{E(r.Generation)}</td>"
                + $"<td>{(r.IsProjection ? PostButton(view.Link($"/projections/{U(r.Name)}/rebuild"), "Rebuild", [], "secondary") : "")}</td></tr>");
        }

        return html.Line("</tbody></table>").ToString();
    }

    private static async Task<string> FlowAsync(PageView view, ConsoleBackend backend, string? id)
    {
        var html = new Html();
        html.Line($"<form class=\"filters\" method=\"get\" action=\"{view.Link("/flows")}\"><label>Correlation id (an order's id)"
            + $"<input type=\"search\" name=\"id\" value=\"{E(id)}\" required size=\"40\"></label><button type=\"submit\" class=\"secondary\">Show</button></form>");
        if (id is null)
        {
            return html.ToString();
        }

        var flow = await backend.ReadFlowAsync(id, view.Http.RequestAborted).ConfigureAwait(false);
        foreach (var missing in flow.Unavailable)
        {
            html.Line($"<div class=\"error\">An audit log could not be read: {E(missing)}</div>");
        }

        if (flow.Flow.Timeline.Count == 0)
        {
            return html.Line($"<p id=\"flow-empty\">No audit log ({flow.Logs} read) holds a message of conversation <span class=\"mono\">{E(id)}</span>.</p>").ToString();
        }

        html.Line("<h2>Causation</h2><div class=\"tree\" id=\"flow-tree\">");
        var depth = -1;
        foreach (var line in flow.Flow.DepthFirst())
        {
            for (; depth < line.Depth; depth++)
            {
                html.Raw("<ul>");
            }

            for (; depth > line.Depth; depth--)
            {
                html.Raw("</ul>");
            }

            var node = line.Node;
            var outcome = node.DeadLettered ? "<span class=\"tag bad\">dead-lettered</span>"
                : node.Deliveries.Any(d => d.Outcome == AuditOutcome.Retrying) ? "<span class=\"tag warn\">retried</span>" : "<span class=\"tag good\">handled</span>";
            html.Line($"<li data-message=\"{E(node.MessageId)}\"><span class=\"mono\">{E(node.MessageType)}</span>{outcome}"
                + $" <span class=\"muted\">→ {E(string.Join(", ", node.Deliveries.Select(d => d.Endpoint).Distinct()))}</span></li>");
        }

        for (; depth >= 0; depth--)
        {
            html.Raw("</ul>");
        }

        html.Line("</div><h2>Timeline</h2><table id=\"flow-timeline\"><thead><tr><th>Finished</th><th>Message</th><th>Endpoint</th><th>Service</th><th>Outcome</th><th class=\"num\">Attempts</th><th>Why</th></tr></thead><tbody>");
        foreach (var r in flow.Flow.Timeline)
        {
            var css = r.Outcome switch { AuditOutcome.DeadLettered => "bad", AuditOutcome.Retrying => "warn", _ => "good" };
            html.Line($"<tr><td>{E(r.FinishedAt)}</td><td class=\"mono\">{E(r.MessageType)}</td><td class=\"mono\">{E(r.Endpoint)}</td><td>{E(r.Service)} <span class=\"muted\">{E(r.Instance)}</span></td>"
                + $"<td><span class=\"tag {css}\">{E(AuditOutcomeNames.Of(r.Outcome))}</span></td><td class=\"num\">{E(r.Attempts)}</td><td>{E(r.Reason)}{(r.ExceptionMessage is { } message ? ": " + E(message) : "")}</td></tr>");
        }

        return html.Line("</tbody></table>").ToString();
    }

    private static string Confirm(PageView view, IFormCollection form, string question, string button, string cancel, bool danger = false, bool typeToConfirm = false)
    {
        var fields = string.Concat(form.Where(f => f.Key is not ("confirmed" or "confirm")).SelectMany(f => f.Value.Select(v =>
            $"<input type=\"hidden\" name=\"{E(f.Key)}\" value=\"{E(v)}\">")));
        var typed = typeToConfirm ? "<label>Endpoint name<input type=\"text\" name=\"confirm\" autocomplete=\"off\" required></label>" : "";
        return $"<div class=\"confirm\" id=\"confirm\"><p>{E(question)}</p><form method=\"post\" action=\"{E(view.Http.Request.PathBase + view.Http.Request.Path)}\" class=\"filters\">{fields}"
            + $"<input type=\"hidden\" name=\"confirmed\" value=\"yes\">{typed}<button type=\"submit\" class=\"{(danger ? "danger" : "")}\">{E(button)}</button>"
            + $"<a href=\"{view.Link(cancel)}\">Cancel</a></form></div>";
    }

    private static string Done(PageView view, string path, string notice)
    {
        view.RedirectTo = view.Address(path) + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "done=" + U(notice);
        return "";
    }

    private static bool Confirmed(IFormCollection form) => form["confirmed"] == "yes";

    private static string[] Ids(IFormCollection form) =>
        form.TryGetValue("id", out var ids) && ids.Count > 0 ? [.. ids.OfType<string>()] : throw ConsoleProblem.BadRequest("Select at least one message.");

    private static Task<IResult> Act(HttpContext http, string prefix, string section, Func<PageView, IFormCollection, Task<string>> act) =>
        Respond(http, prefix, section, "Confirm", async view =>
        {
            if (!http.Request.HasFormContentType)
            {
                throw new ConsoleProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "The console's pages post forms; scripts use its JSON API under /api.");
            }

            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            return await act(view, form).ConfigureAwait(false);
        });

    private static async Task<IResult> Respond(HttpContext http, string prefix, string section, string title, Func<PageView, Task<string>> body)
    {
        var view = new PageView(http, prefix);
        string content;
        string? error = null;
        try
        {
            content = await body(view).ConfigureAwait(false);
        }
        catch (ConsoleProblem problem)
        {
            view.Status = problem.Status;
            error = $"{problem.Title}: {problem.Message}";
            content = "";
        }

        if (view.RedirectTo is { } target)
        {
            return Results.Redirect(target);
        }

        string? notice = http.Request.Query["done"] is [{ Length: > 0 and <= 300 } done] ? done : null;
        return Results.Content(Layout(view, section, title, content, notice, error), "text/html; charset=utf-8", statusCode: view.Status);
    }

    private static string Layout(PageView view, string section, string title, string content, string? notice, string? error)
    {
        var options = view.Http.GetEndpoint()?.Metadata.GetMetadata<ConsoleSetup>()?.Options;
        var brand = options?.Title ?? "Switchboard";
        string[][] sections = [["endpoints", "/", "Endpoints"], ["dead-letters", "/dead-letters", "Dead letters"], ["outbox", "/outbox", "Outbox"], ["sagas", "/sagas", "Sagas"], ["projections", "/projections", "Projections"], ["flows", "/flows", "Flows"]];
        var nav = string.Concat(sections.Select(s => $"<a href=\"{view.Link(s[1])}\"{(s[0] == section ? " class=\"here\"" : "")}>{s[2]}</a>"));
        var banner = options?.AuthorizationPolicy is null
            ? "<div class=\"banner\" id=\"loopback-only\">No authorization policy is configured: this console answers requests from this machine only.</div>"
            : "";
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · {E(brand)}</title><link rel="stylesheet" href="{view.Link("/assets/console.css")}"></head>
            <body><header><span class="brand">{E(brand)}</span><nav>{nav}</nav></header>{banner}
            <main><h1>{E(title)}</h1>{(notice is null ? "" : $"<div class=\"notice\" role=\"status\">{E(notice)}</div>")}{(error is null ? "" : $"<div class=\"error\" role=\"alert\">{E(error)}</div>")}
            {content}</main></body></html>
            """;
    }
}

/// <summary>One page being rendered: its request, its status, and where it redirects after an action.</summary>
internal sealed class PageView(HttpContext http, string prefix)
{
    public HttpContext Http { get; } = http;

    public int Status { get; set; } = StatusCodes.Status200OK;

    public string? RedirectTo { get; set; }

    /// <summary>An address inside the console.</summary>
    public string Address(string path) => Http.Request.PathBase + prefix + (path == "/" ? "" : path);

    /// <summary>An address inside the console, HTML-encoded for an attribute.</summary>
    public string Link(string path) => Html.E(Address(path));
}
