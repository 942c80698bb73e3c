using Switchboard.Benchmarks.Measurement;
using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Scenarios;

/// <summary>
/// One scenario of BENCHMARKS.md as run on a Switchboard bus: the topology it declares, how the producer starts
/// one item, and how many completions make an item fully handled. Its handlers report completions to
/// <see cref="CurrentRun"/>.
/// </summary>
public interface IScenario
{
    /// <summary>The name on the command line, e.g. <c>competing</c>.</summary>
    string Name { get; }

    /// <summary>N when <c>--n</c> is not given.</summary>
    int DefaultItems { get; }

    /// <summary>Completions that make one item fully handled (fanout: one per subscriber).</summary>
    int Slots { get; }

    /// <summary>Whether the scenario keeps state in the bus's store (saga): the system then selects its transport's own store.</summary>
    bool UsesStore => false;

    /// <summary>Whether the scenario's endpoint is ordered by key in this run: only a system whose transport keeps order runs it.</summary>
    bool RequiresOrder(BenchmarkSettings settings) => false;

    /// <summary>Registers the scenario's messages, routes and endpoints (transport excluded).</summary>
    void Configure(SwitchboardBuilder bus, BenchmarkSettings settings);

    /// <summary>Starts the send (or publish) of item <paramref name="sequence"/>; completes when the transport accepted it.</summary>
    ValueTask StartItemAsync(IBus bus, IItemTracker run, int sequence, CancellationToken cancellationToken);

    /// <summary>Checks beyond the per-item counters after a run (e.g. that a saga store agrees); returns the problems found.</summary>
    ValueTask<IReadOnlyList<string>> VerifyAsync(IServiceProvider services, RunTracker run, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([]);
}
