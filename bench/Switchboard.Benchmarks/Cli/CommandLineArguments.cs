namespace Switchboard.Benchmarks.Cli;

/// <summary>The command line as parsed, before the system and scenario are looked up.</summary>
public sealed record CommandLineArguments(
    string System,
    string Scenario,
    int? Items,
    int Consumers,
    Uri RabbitMq,
    string Postgres,
    TimeSpan Timeout,
    TimeSpan Duration,
    IReadOnlySet<string> Ablations,
    int EventBatch = 1,
    int InFlight = 10,
    bool Audit = false,
    int Prefetch = BenchmarkSettings.ProtocolPrefetch)
{
    /// <summary>The settings of the run, with N defaulting to the scenario's.</summary>
    public BenchmarkSettings ToSettings(int defaultItems) =>
        new(System, Scenario, Items ?? defaultItems, Consumers, RabbitMq, Postgres, Timeout, Duration, Ablations, EventBatch, InFlight, Audit, Prefetch);
}
