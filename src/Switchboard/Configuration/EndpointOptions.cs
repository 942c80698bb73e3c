using Switchboard.Persistence;
using Switchboard.Retries;

namespace Switchboard.Configuration;

/// <summary>Settings of one receive endpoint.</summary>
public sealed record EndpointOptions
{
    /// <summary>How many messages this endpoint instance handles at once. Default 4.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>How many unsettled messages the transport may hand this instance ahead of its handlers. Default 256.</summary>
    public int Prefetch { get; init; } = 256;

    /// <summary>What happens when a handler throws.</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>
    /// When set, the endpoint handles each message in a unit of work of the bus's store (inbox, outbox, sagas,
    /// the handler's own database changes). Null: handlers run without one and their messages go out directly.
    /// </summary>
    public TransactionalOptions? Transactional { get; init; }
}
