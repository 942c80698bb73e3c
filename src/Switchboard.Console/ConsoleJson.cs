using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchboard.Auditing;
using Switchboard.Messages;
using Switchboard.Operations;
using Switchboard.Persistence;
using Switchboard.Transport;

namespace Switchboard.Console;

/// <summary>The JSON shapes of the console's API (camelCase, as ASP.NET Core writes them), and the body of its actions.</summary>
internal static class ConsoleJson
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>An action's body: which ids, or all, and the confirmation a purge needs. An empty body is an empty request.</summary>
    public static async Task<ActionRequest> ReadActionAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return new ActionRequest(null, false, null);
        }

        if (!request.HasJsonContentType())
        {
            throw new ConsoleProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "An action's body is JSON (Content-Type: application/json).");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<ActionRequest>(request.Body, Web, cancellationToken).ConfigureAwait(false)
                ?? new ActionRequest(null, false, null);
        }
        catch (JsonException e)
        {
            throw ConsoleProblem.BadRequest($"The body is not a valid action ({{\"ids\": [...], \"all\": true, \"confirm\": \"...\"}}): {e.Message}");
        }
    }

    public static object Endpoint(EndpointRow row) => new
    {
        queue = row.Endpoint.Queue,
        running = row.Endpoint.Running,
        concurrency = row.Endpoint.Concurrency,
        prefetch = row.Endpoint.Prefetch,
        transactional = row.Endpoint.Transactional,
        messageTypes = row.Endpoint.MessageTypes,
        counts = row.Endpoint.Counts,
        ready = row.Queue.Value?.Ready,
        consumers = row.Queue.Value?.Consumers,
        queueUnavailable = row.Queue.Unavailable,
        deadLetters = row.DeadLetters.Unavailable is null ? row.DeadLetters.Value : (long?)null,
        deadLettersUnavailable = row.DeadLetters.Unavailable,
        ordered = row.Ordered,
        parkedKeys = row.ParkedKeys is { Unavailable: null } parked ? parked.Value : null,
        parkedKeysUnavailable = row.ParkedKeys?.Unavailable,
    };

    public static object ParkedKeys(ParkedKeyList list) => new
    {
        endpoint = list.Queue,
        ordered = list.Ordered,
        total = list.Total,
        items = list.Items.Select(k => new { key = k.Key, deadLetterId = k.DeadLetterId, waiting = k.Waiting }),
    };

    /// <summary>A dead letter as listed: its ids, why it is there, and its headers.</summary>
    public static Dictionary<string, object?> DeadLetterSummary(DeadLetter d) => new()
    {
        ["id"] = d.Id,
        ["endpoint"] = d.Queue,
        ["messageId"] = d.Envelope.MessageId,
        ["messageType"] = d.Envelope.MessageType,
        ["correlationId"] = d.Envelope.CorrelationId,
        ["causationId"] = d.Envelope.CausationId,
        ["sentAt"] = d.Envelope.SentAt,
        ["reason"] = d.Reason,
        ["exceptionType"] = d.ExceptionType,
        ["exceptionMessage"] = d.ExceptionMessage,
        ["attempts"] = d.Attempts,
        ["orderingKey"] = d.OrderingKey,
        ["deadLetteredAt"] = d.DeadLetteredAt,
        ["headers"] = d.Envelope.Headers,
    };

    /// <summary>One dead letter whole: the summary, its trace, stack trace and body.</summary>
    public static Dictionary<string, object?> DeadLetterDetail(DeadLetter d)
    {
        var detail = DeadLetterSummary(d);
        detail["traceParent"] = d.Envelope.TraceParent;
        detail["stackTrace"] = d.StackTrace;
        detail["contentType"] = d.Envelope.ContentType;
        detail["body"] = BodyText(d.Envelope);
        return detail;
    }

    public static object Outbox(OutboxView view) => new
    {
        pending = view.Statistics.Pending,
        oldestPendingAt = view.Statistics.OldestPendingAt,
        quarantined = view.Statistics.Quarantined,
        quarantinedMessages = view.Quarantined.Select(OutboxMessage),
    };

    public static object OutboxMessage(OutboxEntry e) => new
    {
        messageId = e.Message.Envelope.MessageId,
        messageType = e.Message.Envelope.MessageType,
        destination = e.Message.Destination,
        kind = e.Message.Kind.ToString(),
        createdAt = e.CreatedAt,
        attempts = e.Attempts,
        lastError = e.LastError,
    };

    public static object Saga(SagaDescriptor s) => new { name = s.Name, endpoint = s.Endpoint, stateType = s.StateType, eventSourced = s.EventSourced };

    public static object Projections(ProjectionsView view) => new
    {
        head = view.Head.Unavailable is null ? view.Head.Value : (long?)null,
        headUnavailable = view.Head.Unavailable,
        runners = view.Runners.Select(r => new
        {
            name = r.Name,
            kind = r.IsProjection ? "projection" : "subscription",
            running = r.Running,
            position = r.Position,
            lag = r.Lag,
            generation = r.Generation,
            rebuilding = r.Rebuilding,
            lastRebuildError = view.FailedRebuilds.GetValueOrDefault(r.Name),
        }),
    };

    public static Dictionary<string, object?> Flow(FlowView view)
    {
        var flow = MessageFlowJson.Describe(view.Flow);
        flow["logs"] = view.Logs;
        flow["unavailableLogs"] = view.Unavailable;
        return flow;
    }

    /// <summary>A body as text when it is text (JSON, XML, plain), else base64.</summary>
    public static string BodyText(Envelope envelope) =>
        envelope.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase) || envelope.ContentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || envelope.ContentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(envelope.Body.Span)
            : "base64:" + Convert.ToBase64String(envelope.Body.Span);
}

/// <summary>The body of an action: the ids it applies to, or all of them, and a confirmation.</summary>
internal sealed record ActionRequest(string[]? Ids, bool All, string? Confirm);
