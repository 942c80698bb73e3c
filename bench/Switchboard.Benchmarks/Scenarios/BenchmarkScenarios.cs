using Switchboard.Benchmarks.Scenarios.Competing;
using Switchboard.Benchmarks.Scenarios.Fanout;
using Switchboard.Benchmarks.Scenarios.Ordered;
using Switchboard.Benchmarks.Scenarios.Saga;
using Switchboard.Benchmarks.Scenarios.Soak;

namespace Switchboard.Benchmarks.Scenarios;

/// <summary>The scenarios this runner knows, by command-line name.</summary>
public static class BenchmarkScenarios
{
    private static readonly Dictionary<string, Func<IScenario>> All = new(StringComparer.Ordinal)
    {
        [CompetingScenario.ScenarioName] = static () => new CompetingScenario(),
        [FanoutScenario.ScenarioName] = static () => new FanoutScenario(),
        [OrderedScenario.ScenarioName] = static () => new OrderedScenario(),
        [SagaScenario.ScenarioName] = static () => new SagaScenario(),
        [SoakScenario.ScenarioName] = static () => new SoakScenario(),
    };

    /// <summary>Every known name.</summary>
    public static IEnumerable<string> Names => All.Keys.Order(StringComparer.Ordinal);

    /// <summary>Finds a scenario by name.</summary>
    public static IScenario? Find(string name) => All.TryGetValue(name, out var create) ? create() : null;
}
