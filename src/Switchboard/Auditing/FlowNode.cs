namespace Switchboard.Auditing;

/// <summary>One message in a <see cref="MessageFlow"/>: its deliveries (one per endpoint and retry) and the messages its handling sent.</summary>
/// <param name="Deliveries">Its records, in the order they finished; never empty.</param>
/// <param name="Caused">The messages its handling sent that audited endpoints received, in the order they first finished.</param>
public sealed record FlowNode(IReadOnlyList<AuditRecord> Deliveries, IReadOnlyList<FlowNode> Caused)
{
    /// <summary>The message's id.</summary>
    public string MessageId => Deliveries[0].MessageId;

    /// <summary>The message's registered type name.</summary>
    public string MessageType => Deliveries[0].MessageType;

    /// <summary>Whether any delivery of it was dead-lettered.</summary>
    public bool DeadLettered => Deliveries.Any(d => d.Outcome == AuditOutcome.DeadLettered);
}

/// <summary>One message of a <see cref="MessageFlow"/> in depth-first order (<see cref="MessageFlow.DepthFirst"/>): its node, the message that caused it, and its depth below the roots.</summary>
/// <param name="Node">The message.</param>
/// <param name="CausedBy">The id of the message whose handling sent it; null for a root.</param>
/// <param name="Depth">0 for a root, 1 for what a root caused, and so on.</param>
public readonly record struct FlowLine(FlowNode Node, string? CausedBy, int Depth);
