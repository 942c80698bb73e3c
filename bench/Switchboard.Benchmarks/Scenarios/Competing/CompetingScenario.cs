using Switchboard.Benchmarks.Measurement;
using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Scenarios.Competing;

/// <summary><c>competing</c>: one producer sends N <see cref="OrderPlaced"/> to one queue; one endpoint with C competing handlers consumes them.</summary>
public sealed class CompetingScenario : IScenario
{
    /// <summary>The scenario's command-line name.</summary>
    public const string ScenarioName = "competing";

    /// <summary>The queue the commands go to.</summary>
    public const string Queue = "bench-competing";

    /// <inheritdoc />
    public string Name => ScenarioName;

    /// <inheritdoc />
    public int DefaultItems => 100_000;

    /// <inheritdoc />
    public int Slots => 1;

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus, BenchmarkSettings settings) => bus
        .Message<OrderPlaced>("bench.order-placed.v1")
        .Route<OrderPlaced>(Queue)
        .Endpoint(Queue, e => e.Handle<OrderPlaced, OrderPlacedHandler>(subscribe: false).WithProtocolLimits(settings));

    /// <inheritdoc />
    public ValueTask StartItemAsync(IBus bus, IItemTracker run, int sequence, CancellationToken cancellationToken) =>
        bus.SendAsync(new OrderPlaced(run.IdOf(sequence), sequence), cancellationToken: cancellationToken);
}
