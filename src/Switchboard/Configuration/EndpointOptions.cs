using Switchboard.Persistence;

namespace Switchboard.Configuration;

/// <summary>Settings of one receive endpoint.</summary>
public sealed record EndpointOptions
{
    /// <summary>How many messages this endpoint instance handles at once. Default 4.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>
    /// How many unsettled messages the transport may hand this instance ahead of its handlers: on RabbitMQ the
    /// consumer's <c>basic.qos</c>, on SQLite the most it claims, in-memory the most it takes. Default
    /// <see cref="PrefetchPerHandler"/> per handler slot of <see cref="Concurrency"/> (64 with the default 4): enough
    /// for settlements to share group commits and confirms, few enough that instances consuming one queue share a
    /// small backlog instead of the first one taking all of it. A higher prefetch buys throughput on one instance
    /// (the benchmarks run with 256) at the cost of that sharing.
    /// </summary>
    public int Prefetch
    {
        get => _prefetch ?? (int)Math.Min((long)Concurrency * PrefetchPerHandler, int.MaxValue);
        init => _prefetch = value;
    }

    /// <summary>The default <see cref="Prefetch"/> per handler slot.</summary>
    public const int PrefetchPerHandler = 16;

    private readonly int? _prefetch;

    /// <summary>
    /// How many messages whose handlers have returned may still be finishing (committing their unit of work,
    /// dispatching what they sent, being acknowledged), on top of <see cref="Concurrency"/>. Handlers run at most
    /// <see cref="Concurrency"/> at a time, but a handler slot is free again as soon as its handlers return; so
    /// units of work share group commits and publisher confirms instead of each waiting for its own. Every message
    /// is still acknowledged only after all that succeeded. 0: a message holds its slot until it is settled.
    /// Default 64.
    /// </summary>
    public int PendingSettlements { get; init; } = 64;

    /// <summary>
    /// How the messages this endpoint's handlers send and publish are written; null (the default): the bus's
    /// <see cref="BusOptions.WireFormat"/>. What the endpoint receives may come in any format.
    /// </summary>
    public WireFormat? WireFormat { get; init; }

    /// <summary>What happens when a handler throws.</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>
    /// When set, the endpoint handles each message in a unit of work of the bus's store (inbox, outbox, sagas,
    /// the handler's own database changes). Null: handlers run without one and their messages go out directly.
    /// </summary>
    public TransactionalOptions? Transactional { get; init; }
}
