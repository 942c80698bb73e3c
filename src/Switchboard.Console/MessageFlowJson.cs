using Switchboard.Auditing;

namespace Switchboard.Console;

/// <summary>
/// The JSON shape of one conversation's flow, as the console's API answers it: the timeline of every delivery and the
/// causation tree as a list in depth-first order. For an application's own flow endpoint, so that both read the same.
/// </summary>
public static class MessageFlowJson
{
    /// <summary><c>{ correlationId, timeline, tree }</c> of <paramref name="flow"/>, camelCase.</summary>
    public static Dictionary<string, object?> Describe(MessageFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new()
        {
            ["correlationId"] = flow.CorrelationId,
            ["timeline"] = flow.Timeline.Select(r => new
            {
                messageId = r.MessageId,
                messageType = r.MessageType,
                causationId = r.CausationId,
                traceParent = r.TraceParent,
                endpoint = r.Endpoint,
                service = r.Service,
                instance = r.Instance,
                outcome = AuditOutcomeNames.Of(r.Outcome),
                attempts = r.Attempts,
                sentAt = r.SentAt,
                receivedAt = r.ReceivedAt,
                finishedAt = r.FinishedAt,
                reason = r.Reason,
                exceptionType = r.ExceptionType,
                exceptionMessage = r.ExceptionMessage,
            }),
            ["tree"] = flow.DepthFirst().Select(line => new
            {
                messageId = line.Node.MessageId,
                messageType = line.Node.MessageType,
                causedBy = line.CausedBy,
                depth = line.Depth,
                endpoints = line.Node.Deliveries.Select(d => d.Endpoint).Distinct().ToList(),
                deadLettered = line.Node.DeadLettered,
            }),
        };
    }
}
