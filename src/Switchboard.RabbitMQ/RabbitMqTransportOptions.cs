using Switchboard.Configuration;

namespace Switchboard.RabbitMQ;

/// <summary>Settings of the RabbitMQ transport.</summary>
public sealed record RabbitMqTransportOptions
{
    /// <summary>
    /// The broker, with credentials and vhost, e.g. <c>amqp://orders:secret@rabbit:5672/shop</c>; <c>amqps://</c>
    /// turns TLS on (port 5671 unless the URI names one): see <see cref="Tls"/>.
    /// </summary>
    public required Uri Uri { get; init; }

    /// <summary>
    /// TLS settings for an <c>amqps://</c> URI: a private CA to trust, the expected server name, a client
    /// certificate. Default: none, and an <c>amqps://</c> URI verifies the server's certificate against the
    /// operating system's trust store and the URI's host. Setting this with an <c>amqp://</c> URI is an error.
    /// </summary>
    public RabbitMqTls? Tls { get; init; }

    /// <summary>
    /// Whether the transport declares its exchanges, queues and bindings (the default), or only checks that they exist:
    /// set false for a least-privilege user, which may declare nothing, on a topology an administrator provisioned
    /// (<see cref="RabbitMqProvisioner"/>). A missing object then fails the start with its name.
    /// </summary>
    public bool DeclareTopology { get; init; } = true;

    /// <summary>The kind of endpoint queue. Default <see cref="RabbitMqQueueType.Quorum"/>.</summary>
    public RabbitMqQueueType QueueType { get; init; } = RabbitMqQueueType.Quorum;

    /// <summary>The connection name the broker shows. Default: the process name.</summary>
    public string? ConnectionName { get; init; }

    /// <summary>Heartbeat interval: a silent connection loss is detected within about twice this. Default 10 s.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Name of the topic exchange events are published to. Default <c>sb.events</c>.</summary>
    public string EventsExchange { get; init; } = "sb.events";

    /// <summary>How many channels publish in parallel, each with publisher confirms. Default 4.</summary>
    public int PublishChannels { get; init; } = 4;

    /// <summary>Most unconfirmed publishes per channel. Default 1,024.</summary>
    public int MaxOutstandingConfirms { get; init; } = 1024;

    /// <summary>
    /// How many partition queues an ordered endpoint has, a power of two from 1 to 256: the most instances that handle
    /// it at once, one partition each at least. Every process of an endpoint must agree; changing it moves keys between
    /// partitions, so drain the endpoint first (docs/ordering.md). Default 8.
    /// </summary>
    public int Partitions { get; init; } = 8;

    /// <summary>
    /// How often each instance of an ordered endpoint announces itself to the others, which share the partitions out
    /// among the instances they hear; one that stops without a word is given up after two intervals. Default 1 s.
    /// </summary>
    public TimeSpan AnnouncementInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>What makes these settings valid, each problem naming its key.</summary>
    internal static void Check(RabbitMqTransportOptions options, Rules rules)
    {
        rules.Required(nameof(Uri), options.Uri);
        if (options.Uri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme is not ("amqp" or "amqps")))
        {
            // The scheme only: the URI may carry a password.
            rules.Add(nameof(Uri), "must be an amqp:// or amqps:// URI", uri.IsAbsoluteUri ? uri.Scheme + "://…" : "a relative URI");
        }

        rules.Required(nameof(EventsExchange), options.EventsExchange);
        rules.Positive(nameof(Heartbeat), options.Heartbeat);
        rules.Positive(nameof(AnnouncementInterval), options.AnnouncementInterval);
        rules.AtLeast(nameof(PublishChannels), options.PublishChannels, 1);
        rules.AtLeast(nameof(MaxOutstandingConfirms), options.MaxOutstandingConfirms, 1);
        if (!Ordering.OrderingNames.PartitionCounts.Contains(options.Partitions))
        {
            rules.Add(nameof(Partitions), "must be a power of two from 1 to 256", options.Partitions);
        }
    }
}
