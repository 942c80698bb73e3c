namespace Switchboard.CloudEvents;

/// <summary>
/// The headers that carry CloudEvents attributes in binary content mode: the attribute's name after the AMQP binding's
/// <c>cloudEvents:</c> prefix. A received CloudEvent's attributes that have no field of the envelope (its
/// <see cref="Source"/>, <see cref="Subject"/>, other extensions) are readable under these names in the handler's
/// <c>IMessageContext.Headers</c>, whichever mode it came in.
/// </summary>
public static class CloudEventsHeaders
{
    /// <summary>What every CloudEvents attribute header starts with.</summary>
    public const string Prefix = "cloudEvents:";

    /// <summary>The CloudEvents version; only <c>1.0</c> is read.</summary>
    public const string SpecVersion = Prefix + "specversion";

    /// <summary>The event's id: the envelope's message id.</summary>
    public const string Id = Prefix + "id";

    /// <summary>The context that produced the event (a URI reference, <see cref="Configuration.BusOptions.CloudEventsSource"/>).</summary>
    public const string Source = Prefix + "source";

    /// <summary>The event's type: the registered wire name.</summary>
    public const string Type = Prefix + "type";

    /// <summary>When the event was produced (RFC 3339): the envelope's sent-at.</summary>
    public const string Time = Prefix + "time";

    /// <summary>The subject of the event within its source, when the producer gave one.</summary>
    public const string Subject = Prefix + "subject";

    /// <summary>The distributed tracing extension: the W3C trace context in which the event was produced.</summary>
    public const string TraceParent = Prefix + "traceparent";

    /// <summary>Extension: the business conversation the event belongs to (the envelope's correlation id).</summary>
    public const string CorrelationId = Prefix + "correlationid";

    /// <summary>Extension: the id of the message whose handling produced the event (the envelope's causation id).</summary>
    public const string CausationId = Prefix + "causationid";

    /// <summary>
    /// Extension (the CloudEvents partitioning extension): the key that orders the event among others of its key, the
    /// envelope's ordering key (<see cref="Messages.HeaderNames.OrderingKey"/>). An event that has it and no ordering key
    /// of its own is read with it as its ordering key.
    /// </summary>
    public const string PartitionKey = Prefix + "partitionkey";
}
