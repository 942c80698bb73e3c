using Switchboard.Messages;

namespace Switchboard.Auditing;

/// <summary>
/// What the audit step records for one delivery of a message to an endpoint: who sent it in which conversation, where
/// and when it was handled, how many attempts it took and how it ended, and (when <see cref="AuditOptions.MaxBodyBytes"/>
/// allows) the start of its body.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>The message's id (the same on every endpoint that received it).</summary>
    public required string MessageId { get; init; }

    /// <summary>The registered type name, e.g. <c>shop.order-created.v1</c>.</summary>
    public required string MessageType { get; init; }

    /// <summary>The business conversation (e.g. one order) the message belongs to.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message whose handling sent this one; null for a conversation's first message.</summary>
    public string? CausationId { get; init; }

    /// <summary>The W3C <c>traceparent</c> the message carried, linking the record to its trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The endpoint (queue) that received it.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The service that ran the endpoint (<see cref="AuditOptions.Service"/>).</summary>
    public required string Service { get; init; }

    /// <summary>The process that ran the endpoint (<see cref="AuditOptions.Instance"/>).</summary>
    public required string Instance { get; init; }

    /// <summary>When the sender sent it.</summary>
    public DateTimeOffset SentAt { get; init; }

    /// <summary>When this delivery entered the endpoint's pipeline.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When this delivery's outcome was decided.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Handling attempts in this delivery (immediate retries count; a delayed retry is a delivery, and a record, of its own).</summary>
    public int Attempts { get; init; }

    /// <summary>How the delivery ended.</summary>
    public AuditOutcome Outcome { get; init; }

    /// <summary>Why it was retried or dead-lettered; null when handled.</summary>
    public string? Reason { get; init; }

    /// <summary>The CLR name of the exception behind <see cref="Reason"/>, if any.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>That exception's message, if any.</summary>
    public string? ExceptionMessage { get; init; }

    /// <summary>The message's free headers as received.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = Envelope.EmptyHeaders;

    /// <summary>The MIME type of the body.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>The body's first <see cref="AuditOptions.MaxBodyBytes"/> bytes; empty when bodies are not kept.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The whole body's length in bytes, so that a cut <see cref="Body"/> shows as one.</summary>
    public int BodyLength { get; init; }

    /// <summary>The log's own order of records, assigned when written; 0 on a record not yet written.</summary>
    public long Sequence { get; init; }
}
