using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;
using Switchboard.Benchmarks.Scenarios.Competing;
using Switchboard.Benchmarks.Scenarios.Fanout;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// <c>raw-rabbitmq</c>: the <c>competing</c> and <c>fanout</c> scenarios written directly on RabbitMQ.Client 7,
/// with the guarantees of the protocol (durable queues, persistent messages, publisher confirms, manual
/// acknowledgements after the handler, prefetch 256, C handlers per endpoint, JSON bodies): the floor that no
/// framework on RabbitMQ can beat. No Switchboard code runs in it.
/// </summary>
public sealed class RawRabbitMqSystem : IBenchmarkSystem
{
    /// <summary>The system's command-line name.</summary>
    public const string SystemName = "raw-rabbitmq";

    /// <inheritdoc />
    public string Name => SystemName;

    /// <inheritdoc />
    public string? CannotRun(IScenario scenario, BenchmarkSettings settings) =>
        scenario.Name is CompetingScenario.ScenarioName or FanoutScenario.ScenarioName
            ? null
            : $"{SystemName} runs the {CompetingScenario.ScenarioName} and {FanoutScenario.ScenarioName} scenarios only, not '{scenario.Name}'.";

    /// <inheritdoc />
    public async ValueTask<IBenchmarkDriver> StartAsync(IScenario scenario, BenchmarkSettings settings, CurrentRun run, CancellationToken cancellationToken)
    {
        RawRabbitMqTopology topology = scenario.Name switch
        {
            CompetingScenario.ScenarioName => new RawCompetingTopology(),
            FanoutScenario.ScenarioName => new RawFanoutTopology(),
            _ => throw new NotSupportedException($"{SystemName} runs the {CompetingScenario.ScenarioName} and {FanoutScenario.ScenarioName} scenarios only, not '{scenario.Name}'."),
        };
        return await RawRabbitMqDriver.StartAsync(topology, settings, run, cancellationToken).ConfigureAwait(false);
    }
}
