namespace Switchboard.Operations;

/// <summary>One receive endpoint of this process, as an operator sees it.</summary>
/// <param name="Queue">The endpoint's queue.</param>
/// <param name="Running">Whether it consumes now.</param>
/// <param name="Concurrency">How many handlers it runs at once in this process.</param>
/// <param name="Prefetch">How many deliveries it takes from the broker ahead.</param>
/// <param name="Transactional">Whether it handles each message in a unit of work of the store.</param>
/// <param name="MessageTypes">The message type names it handles.</param>
/// <param name="Counts">What it has done in this process.</param>
public sealed record EndpointStatus(
    string Queue,
    bool Running,
    int Concurrency,
    int Prefetch,
    bool Transactional,
    IReadOnlyList<string> MessageTypes,
    EndpointCounts Counts);
