using Switchboard.Messages;

namespace Switchboard.Transport;

/// <summary>Helpers transports share for moving envelopes out of and back into dead-letter queues.</summary>
public static class DeadLetterEnvelope
{
    private static readonly string[] DeadLetterHeaders =
    [
        HeaderNames.DeadLetterReason, HeaderNames.DeadLetterQueue, HeaderNames.DeadLetteredAt, HeaderNames.Attempts,
        HeaderNames.ExceptionType, HeaderNames.ExceptionMessage, HeaderNames.ExceptionStackTrace, HeaderNames.DelayedRetries,
    ];

    /// <summary>The envelope to send back to the queue on re-drive: dead-letter headers and retry count removed.</summary>
    public static Envelope ForRedrive(Envelope deadLettered) => deadLettered.WithoutHeaders(DeadLetterHeaders);
}
