using System.Globalization;
using Switchboard.Messages;

namespace Switchboard;

/// <summary>Why a message was dead-lettered.</summary>
/// <param name="Reason">A human-readable reason, e.g. "retries exhausted" or "unknown message type 'x'".</param>
/// <param name="ExceptionType">CLR name of the exception, when one caused it.</param>
/// <param name="ExceptionMessage">The exception's message.</param>
/// <param name="StackTrace">The exception's stack trace.</param>
/// <param name="Attempts">How many times handling was attempted.</param>
public sealed record DeadLetterReason(
    string Reason,
    string? ExceptionType = null,
    string? ExceptionMessage = null,
    string? StackTrace = null,
    int Attempts = 0)
{
    /// <summary>Builds a reason from an exception.</summary>
    public static DeadLetterReason FromException(string reason, Exception exception, int attempts) =>
        new(reason, exception.GetType().FullName, exception.Message, exception.ToString(), attempts);

    /// <summary>
    /// The original envelope with the dead-letter details added as <c>sb-</c> headers; transports store this,
    /// so a dead letter carries its reason wherever it goes.
    /// </summary>
    public Envelope Stamp(Envelope original, string queue, DateTimeOffset at)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new(HeaderNames.DeadLetterReason, Reason),
            new(HeaderNames.DeadLetterQueue, queue),
            new(HeaderNames.DeadLetteredAt, at.ToString("O", CultureInfo.InvariantCulture)),
            new(HeaderNames.Attempts, Attempts.ToString(CultureInfo.InvariantCulture)),
        };
        if (ExceptionType is not null)
        {
            headers.Add(new(HeaderNames.ExceptionType, ExceptionType));
        }

        if (ExceptionMessage is not null)
        {
            headers.Add(new(HeaderNames.ExceptionMessage, ExceptionMessage));
        }

        if (StackTrace is not null)
        {
            headers.Add(new(HeaderNames.ExceptionStackTrace, StackTrace));
        }

        return original.WithHeaders(headers);
    }
}
