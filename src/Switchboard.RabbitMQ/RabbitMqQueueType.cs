namespace Switchboard.RabbitMQ;

/// <summary>The kind of queue an endpoint gets.</summary>
public enum RabbitMqQueueType
{
    /// <summary>Replicated, durable, poison-message aware (the default).</summary>
    Quorum,

    /// <summary>A classic durable queue.</summary>
    Classic,
}
