using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A system under test (<c>switchboard-inmemory</c>, later <c>switchboard-sqlite</c>, <c>switchboard-rabbitmq</c>, <c>raw-rabbitmq</c>).</summary>
public interface IBenchmarkSystem
{
    /// <summary>The name on the command line.</summary>
    string Name { get; }

    /// <summary>Why this system cannot run <paramref name="scenario"/> as <paramref name="settings"/> ask, in one sentence; null when it can.</summary>
    string? CannotRun(IScenario scenario, BenchmarkSettings settings) => null;

    /// <summary>
    /// Sets up everything the scenario needs (broker objects, consumers) and returns it ready to receive items.
    /// Not timed. Handlers report to <paramref name="run"/>.
    /// </summary>
    ValueTask<IBenchmarkDriver> StartAsync(IScenario scenario, BenchmarkSettings settings, CurrentRun run, CancellationToken cancellationToken);
}
