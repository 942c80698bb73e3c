namespace Switchboard.Benchmarks;

/// <summary>One benchmark run as asked on the command line (see BENCHMARKS.md, "Running").</summary>
/// <param name="System">The system under test, e.g. <c>switchboard-inmemory</c>.</param>
/// <param name="Scenario">The scenario, e.g. <c>competing</c>.</param>
/// <param name="Items">N: items of the measured run (messages, events or orders).</param>
/// <param name="Consumers">C: handlers at once per receive endpoint.</param>
/// <param name="RabbitMq">AMQP URI of the broker (RabbitMQ systems).</param>
/// <param name="Postgres">Connection string of the database (saga store of the RabbitMQ systems).</param>
/// <param name="Timeout">How long one run (warm-up or measured) may take before it counts as failed; for soak, how long the drain after the load may take.</param>
/// <param name="Duration">Soak only: how long the continuous load runs.</param>
/// <param name="Ablations">Diagnostic changes to the system under test; empty for a protocol run.</param>
/// <param name="InFlight">Appends each writer keeps in flight, one per stream of its own (the <c>append</c> scenario).</param>
/// <param name="EventBatch">Events per append (the event store's <c>append</c> scenario).</param>
/// <param name="Audit">Switchboard systems: every endpoint audited (<c>UseAudit</c>) into the transport's store.</param>
/// <param name="Prefetch">Prefetch of every receive endpoint; <see cref="ProtocolPrefetch"/> unless asked otherwise (then not a protocol run).</param>
public sealed record BenchmarkSettings(
    string System,
    string Scenario,
    int Items,
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
    /// <summary>W: at most this many items in flight (sent, not yet fully handled).</summary>
    public const int Window = 1_000;

    /// <summary>B: sends started together, then awaited together.</summary>
    public const int Batch = 100;

    /// <summary>Items of the unmeasured warm-up run.</summary>
    public const int WarmUpItems = 1_000;

    /// <summary>Prefetch of every receive endpoint in a protocol run (rule 4).</summary>
    public const int ProtocolPrefetch = 256;
}
