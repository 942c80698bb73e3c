using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A system under test (<c>switchboard-inmemory</c>, later <c>switchboard-sqlite</c>, <c>switchboard-rabbitmq</c>, <c>raw-rabbitmq</c>).</summary>
public interface IBenchmarkSystem
{
    /// <summary>The name on the command line.</summary>
    string Name { get; }

    /// <summary>
    /// Sets up everything the scenario needs (broker objects, consumers) and returns it ready to receive items.
    /// Not timed. Handlers report to <paramref name="run"/>.
    /// </summary>
    ValueTask<IBenchmarkDriver> StartAsync(IScenario scenario, BenchmarkSettings settings, CurrentRun run, CancellationToken cancellationToken);
}
