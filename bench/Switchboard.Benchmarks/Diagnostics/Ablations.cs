using Microsoft.Extensions.DependencyInjection;
using Switchboard.Benchmarks.Scenarios.Ordered;
using Switchboard.Configuration;
using Switchboard.Pipeline;

namespace Switchboard.Benchmarks.Diagnostics;

/// <summary>
/// Diagnostic changes to the system under test (hidden option <c>--ablate</c>), to find out which part of the bus
/// costs the time by taking it out. A run with any of them is not a protocol run; its JSON line says so.
/// </summary>
public static class Ablations
{
    /// <summary>No logger provider at all (the protocol runs log warnings to stderr through the console provider).</summary>
    public const string Logging = "logging";

    /// <summary>Removes the trace step (process span, logging scope, metrics).</summary>
    public const string Trace = "trace";

    /// <summary>Removes the retry step.</summary>
    public const string Retry = "retry";

    /// <summary>Removes the dispatch step (handlers here send nothing).</summary>
    public const string Dispatch = "dispatch";

    /// <summary>Replaces the scope and invoke steps: handlers resolved from the root provider, no DI scope, a minimal message context.</summary>
    public const string Scope = "scope";

    /// <summary>Writes the native envelope instead of the default CloudEvents binary mode (what the CloudEvents attributes cost).</summary>
    public const string CloudEvents = "cloudevents";

    /// <summary>
    /// The <c>ordered</c> scenario only: its unordered twin, the same messages, keys and handler waits on an endpoint that
    /// is not ordered (what ordering costs is ordered / twin).
    /// </summary>
    public const string Ordering = "ordering";

    /// <summary>
    /// The <c>ordered</c> scenario only: its handler does not wait, so that what ordering costs the transport shows at the
    /// transport's full rate instead of under the handlers' 0–1 ms.
    /// </summary>
    public const string Delay = "delay";

    /// <summary>Every known ablation.</summary>
    public static IReadOnlyList<string> Names { get; } = [Logging, Trace, Retry, Dispatch, Scope, CloudEvents, Ordering, Delay];

    /// <summary>The ablations that change one scenario rather than the bus, by the scenario they belong to.</summary>
    public static IReadOnlyDictionary<string, string> ScenarioOnly { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Ordering] = OrderedScenario.ScenarioName,
        [Delay] = OrderedScenario.ScenarioName,
    };

    /// <summary>Applies the pipeline ablations to every endpoint of the bus.</summary>
    public static void Apply(SwitchboardBuilder bus, IReadOnlySet<string> ablations)
    {
        if (ablations.Count == 0)
        {
            return;
        }

        if (ablations.Contains(CloudEvents))
        {
            bus.Configure(o => o with { WireFormat = WireFormat.Native });
        }

        bus.ConfigurePipeline(pipeline =>
        {
            if (ablations.Contains(Trace))
            {
                pipeline.Remove(StepNames.Trace);
            }

            if (ablations.Contains(Retry))
            {
                pipeline.Remove(StepNames.Retry);
            }

            if (ablations.Contains(Dispatch))
            {
                pipeline.Remove(StepNames.Dispatch);
            }

            if (ablations.Contains(Scope))
            {
                pipeline.Remove(StepNames.Scope);
                pipeline.Replace(StepNames.Invoke, s => new RootInvokeStep(s.Services.GetRequiredService<BusConfiguration>().Endpoints.Single(e => e.Queue == s.Endpoint), s.Services));
            }
        });
    }
}
