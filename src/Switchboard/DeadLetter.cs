using System.Globalization;
using Switchboard.Messages;

namespace Switchboard;

/// <summary>A message in a dead-letter queue.</summary>
/// <param name="Id">Identifies this dead letter within its queue (transport-specific; often the message id).</param>
/// <param name="Queue">The queue the message was dead-lettered from.</param>
/// <param name="Envelope">The message, with its original headers and the <c>sb-</c> dead-letter headers.</param>
public sealed record DeadLetter(string Id, string Queue, Envelope Envelope)
{
    /// <summary>Why it was dead-lettered.</summary>
    public string Reason => Header(HeaderNames.DeadLetterReason) ?? "unknown";

    /// <summary>CLR name of the exception that caused it, if any.</summary>
    public string? ExceptionType => Header(HeaderNames.ExceptionType);

    /// <summary>The exception's message, if any.</summary>
    public string? ExceptionMessage => Header(HeaderNames.ExceptionMessage);

    /// <summary>The exception's stack trace, if any.</summary>
    public string? StackTrace => Header(HeaderNames.ExceptionStackTrace);

    /// <summary>How many handling attempts were made.</summary>
    public int Attempts => int.TryParse(Header(HeaderNames.Attempts), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>
    /// The message's ordering key, if it has one. On an ordered endpoint the dead letter parks its key: the key's later
    /// messages wait until it is re-driven or deleted (<see cref="ParkedKey"/>).
    /// </summary>
    public string? OrderingKey => Header(HeaderNames.OrderingKey);

    /// <summary>When it was dead-lettered.</summary>
    public DateTimeOffset? DeadLetteredAt =>
        DateTimeOffset.TryParse(Header(HeaderNames.DeadLetteredAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private string? Header(string name) => Envelope.Headers.TryGetValue(name, out var value) ? value : null;
}
