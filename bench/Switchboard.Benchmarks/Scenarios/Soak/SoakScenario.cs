using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios.Competing;
using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Scenarios.Soak;

/// <summary>
/// <c>soak</c>: the <c>competing</c> load (<see cref="OrderPlaced"/> to one queue, one endpoint with C handlers)
/// run without pause for <c>--duration-seconds</c>, to show that the transport's WAL and the process's memory stay
/// bounded. <see cref="Switchboard.Benchmarks.Soak.SoakRunner"/> runs it.
/// </summary>
public sealed class SoakScenario : IScenario
{
    /// <summary>The scenario's command-line name.</summary>
    public const string ScenarioName = "soak";

    private readonly CompetingScenario _load = new();

    /// <inheritdoc />
    public string Name => ScenarioName;

    /// <summary>None: a soak runs for a duration, not for N items; its JSON line's <c>n</c> is the number of items sent.</summary>
    public int DefaultItems => 0;

    /// <inheritdoc />
    public int Slots => _load.Slots;

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus, BenchmarkSettings settings) => _load.Configure(bus, settings);

    /// <inheritdoc />
    public ValueTask StartItemAsync(IBus bus, IItemTracker run, int sequence, CancellationToken cancellationToken) =>
        _load.StartItemAsync(bus, run, sequence, cancellationToken);
}
