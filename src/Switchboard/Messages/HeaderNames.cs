namespace Switchboard.Messages;

/// <summary>Names of the free headers the framework itself writes. All start with <c>sb-</c>.</summary>
public static class HeaderNames
{
    /// <summary>On a saga's timeout: the saga that requested it (its name, as <c>SagaDescriptor.Name</c>).</summary>
    public const string Saga = "sb-saga";

    /// <summary>On a saga's timeout: the key of the saga instance that requested it.</summary>
    public const string SagaKey = "sb-saga-key";

    /// <summary>How many delayed retries the message has been through.</summary>
    public const string DelayedRetries = "sb-delayed-retries";

    /// <summary>Why the message was dead-lettered.</summary>
    public const string DeadLetterReason = "sb-dead-letter-reason";

    /// <summary>The queue the message was dead-lettered from.</summary>
    public const string DeadLetterQueue = "sb-dead-letter-queue";

    /// <summary>When the message was dead-lettered (ISO 8601).</summary>
    public const string DeadLetteredAt = "sb-dead-lettered-at";

    /// <summary>CLR name of the exception that caused the dead letter, if any.</summary>
    public const string ExceptionType = "sb-exception-type";

    /// <summary>Message of the exception that caused the dead letter, if any.</summary>
    public const string ExceptionMessage = "sb-exception-message";

    /// <summary>Stack trace of the exception that caused the dead letter, if any.</summary>
    public const string ExceptionStackTrace = "sb-exception-stack-trace";

    /// <summary>How many times handling was attempted before the message was dead-lettered.</summary>
    public const string Attempts = "sb-attempts";

    /// <summary>
    /// The message's ordering key: an ordered endpoint handles the messages of one key one at a time, in the order they
    /// were sent (docs/ordering.md). Stamped by the sending bus from the type's ordering key, or given in the options.
    /// </summary>
    public const string OrderingKey = "sb-ordering-key";

    /// <summary>W3C <c>tracestate</c> accompanying the envelope's traceparent.</summary>
    public const string TraceState = "tracestate";
}
