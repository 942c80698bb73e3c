using Switchboard.Benchmarks.Measurement;
using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Scenarios.Fanout;

/// <summary>
/// <c>fanout</c>: one producer publishes N <see cref="OrderCreated"/>; three subscriber endpoints each receive all N.
/// An item is fully handled when all three got it; every delivery's latency counts.
/// </summary>
public sealed class FanoutScenario : IScenario
{
    /// <summary>The scenario's command-line name.</summary>
    public const string ScenarioName = "fanout";

    /// <summary>The subscriber endpoints; a delivery's slot is its endpoint's index here.</summary>
    public static readonly IReadOnlyList<string> Subscribers = ["bench-fanout-1", "bench-fanout-2", "bench-fanout-3"];

    /// <inheritdoc />
    public string Name => ScenarioName;

    /// <inheritdoc />
    public int DefaultItems => 50_000;

    /// <inheritdoc />
    public int Slots => Subscribers.Count;

    /// <summary>The slot of a subscriber endpoint; -1 (counted as unexpected) for any other.</summary>
    public static int SlotOf(string endpoint)
    {
        for (var i = 0; i < Subscribers.Count; i++)
        {
            if (string.Equals(Subscribers[i], endpoint, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus, BenchmarkSettings settings)
    {
        bus.Message<OrderCreated>("bench.order-created.v1");
        foreach (var queue in Subscribers)
        {
            bus.Endpoint(queue, e => e.Handle<OrderCreated, OrderCreatedHandler>().WithProtocolLimits(settings));
        }
    }

    /// <inheritdoc />
    public ValueTask StartItemAsync(IBus bus, IItemTracker run, int sequence, CancellationToken cancellationToken) =>
        bus.PublishAsync(new OrderCreated(run.IdOf(sequence), sequence), cancellationToken: cancellationToken);
}
