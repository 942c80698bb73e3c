using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;
using Switchboard.Benchmarks.Systems;

namespace Switchboard.Benchmarks;

/// <summary>The common protocol: set up (untimed), warm up with 1,000 items on the same system, then the measured run with fresh counters.</summary>
public static class BenchmarkRunner
{
    private const int WarmUpRun = 1;
    private const int MeasuredRun = 2;

    /// <summary>Runs the benchmark; progress and diagnostics go to <paramref name="log"/>.</summary>
    public static async Task<BenchmarkResult> RunAsync(BenchmarkSettings settings, IBenchmarkSystem system, IScenario scenario, TextWriter log, CancellationToken cancellationToken)
    {
        var current = new CurrentRun();
        log.WriteLine($"# {system.Name} {scenario.Name}: N={settings.Items}, C={settings.Consumers}, W={BenchmarkSettings.Window}, B={BenchmarkSettings.Batch}, "
            + $"prefetch {settings.Prefetch}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} cores"
            + (settings.Audit ? ", audited" : "")
            + (settings.Ablations.Count > 0 ? $", ABLATED: {string.Join(',', settings.Ablations)}" : ""));

        var driver = await system.StartAsync(scenario, settings, current, cancellationToken).ConfigureAwait(false);
        RunOutcome measured;
        IReadOnlyList<string> problems = [];
        var warmUpCorrect = false;
        await using (driver.ConfigureAwait(false))
        {
            var warmUp = await RunExecutor.RunAsync(driver, current, new RunTracker(WarmUpRun, BenchmarkSettings.WarmUpItems, scenario.Slots), settings.Timeout, cancellationToken).ConfigureAwait(false);
            log.WriteLine("# " + warmUp.Describe("warm-up"));
            warmUpCorrect = warmUp.Correct;
            if (!warmUp.Finished)
            {
                return BenchmarkResult.Failed(settings);
            }

            var tracker = new RunTracker(MeasuredRun, settings.Items, scenario.Slots);
            measured = await RunExecutor.RunAsync(driver, current, tracker, settings.Timeout, cancellationToken).ConfigureAwait(false);
            log.WriteLine("# " + measured.Describe("measured"));
            log.WriteLine("# measured cost: " + measured.Cost.Describe(measured.Snapshot.DistinctCompletions));
            if (measured.Finished)
            {
                problems = await driver.VerifyAsync(tracker, cancellationToken).ConfigureAwait(false);
                foreach (var problem in problems)
                {
                    log.WriteLine("# verification: " + problem);
                }
            }
        }

        return Result(settings, measured, warmUpCorrect && measured.Correct && problems.Count == 0);
    }

    private static BenchmarkResult Result(BenchmarkSettings settings, RunOutcome outcome, bool correct) => new(
        settings.System,
        settings.Scenario,
        settings.Items,
        settings.Consumers,
        outcome.Snapshot.Elapsed.TotalSeconds,
        outcome.Snapshot.CompletionsPerSecond,
        outcome.Snapshot.Latency.P50Milliseconds,
        outcome.Snapshot.Latency.P99Milliseconds,
        correct,
        settings.Ablations,
        Audit: settings.Audit,
        Prefetch: settings.Prefetch);
}
