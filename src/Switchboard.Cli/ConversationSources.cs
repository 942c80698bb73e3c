using System.Text.Json;
using Switchboard.Auditing;

namespace Switchboard.Cli;

/// <summary>Where <c>flow</c> reads one conversation's audit records: a store's audit log, or a running application's console.</summary>
internal interface IConversationSource
{
    ValueTask<IReadOnlyList<AuditRecord>> ReadConversationAsync(string correlationId, int max, CancellationToken cancellationToken);
}

/// <summary>A store's audit log.</summary>
internal sealed class AuditLogSource(IAuditLog log) : IConversationSource
{
    public ValueTask<IReadOnlyList<AuditRecord>> ReadConversationAsync(string correlationId, int max, CancellationToken cancellationToken) =>
        log.ReadConversationAsync(correlationId, max, cancellationToken);
}

/// <summary>
/// A running application's flow view, through its console: every audit log that console reads (in a distributed
/// deployment, each service's); the records as the console describes them (no headers or bodies).
/// </summary>
internal sealed class ConsoleFlowSource(ConsoleApiClient console) : IConversationSource
{
    public async ValueTask<IReadOnlyList<AuditRecord>> ReadConversationAsync(string correlationId, int max, CancellationToken cancellationToken)
    {
        if (await console.FindAsync($"flows/{ConsoleApiClient.Escape(correlationId)}", cancellationToken).ConfigureAwait(false) is not { } flow)
        {
            return [];
        }

        return [.. flow.GetProperty("timeline").EnumerateArray().Take(max).Select(r => new AuditRecord
        {
            MessageId = r.GetProperty("messageId").GetString()!,
            MessageType = r.GetProperty("messageType").GetString()!,
            CorrelationId = correlationId,
            CausationId = Text(r, "causationId"),
            TraceParent = Text(r, "traceParent"),
            Endpoint = r.GetProperty("endpoint").GetString()!,
            Service = r.GetProperty("service").GetString()!,
            Instance = r.GetProperty("instance").GetString()!,
            SentAt = r.GetProperty("sentAt").GetDateTimeOffset(),
            ReceivedAt = r.GetProperty("receivedAt").GetDateTimeOffset(),
            FinishedAt = r.GetProperty("finishedAt").GetDateTimeOffset(),
            Attempts = r.GetProperty("attempts").GetInt32(),
            Outcome = AuditOutcomeNames.Parse(r.GetProperty("outcome").GetString()),
            Reason = Text(r, "reason"),
            ExceptionType = Text(r, "exceptionType"),
            ExceptionMessage = Text(r, "exceptionMessage"),
        })];
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
