using System.Globalization;
using Switchboard.Auditing;
using Switchboard.Transport;

namespace Switchboard.Testing;

/// <summary>
/// One delivery of a message to one of the bus's endpoints, once the pipeline decided how it ends (as the audit log
/// records it): handled, retrying later, or dead-lettered. A message retried later has one record per delivery.
/// </summary>
public sealed record ConsumedMessage : RecordedMessage
{
    /// <summary>The endpoint (queue) that received it.</summary>
    public required string Endpoint { get; init; }

    /// <summary>How the delivery ended.</summary>
    public AuditOutcome Outcome { get; init; }

    /// <summary>Handling attempts in this delivery (immediate retries count).</summary>
    public int Attempts { get; init; }

    /// <summary>Why it was dead-lettered, when <see cref="Outcome"/> is <see cref="AuditOutcome.DeadLettered"/>.</summary>
    public DeadLetterReason? DeadLetterReason { get; init; }

    /// <summary>The failure that made it wait for a later delivery, when <see cref="Outcome"/> is <see cref="AuditOutcome.Retrying"/>.</summary>
    public Exception? Exception { get; init; }

    /// <summary>The reason in a few words: the dead letter's reason and exception, or the failure that is retried; null when handled.</summary>
    public string? Reason => Outcome switch
    {
        AuditOutcome.DeadLettered when DeadLetterReason is { } why => why.ExceptionType is null ? why.Reason : $"{why.Reason}: {why.ExceptionType}: {why.ExceptionMessage}",
        AuditOutcome.Retrying when Exception is { } failure => $"retrying later: {failure.GetType().FullName}: {failure.Message}",
        AuditOutcome.Retrying => "retrying later",
        _ => null,
    };

    /// <inheritdoc />
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{MessageType} {MessageId} at '{Endpoint}': {AuditOutcomeNames.Of(Outcome)}{(Reason is { } reason ? " (" + reason + ")" : "")}");
}
