using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;
using Switchboard.Benchmarks.Systems;

namespace Switchboard.Benchmarks.Soak;

/// <summary>
/// The soak scenario's protocol: set up (untimed), warm up with 1,000 items on the same system as every scenario
/// does, then the continuous load with bounded bookkeeping, judged by <see cref="SoakRules"/>.
/// </summary>
public static class SoakRunner
{
    private const int WarmUpRun = 1;
    private const int SoakRun = 2;

    /// <summary>Runs the soak; samples and diagnostics go to <paramref name="log"/>.</summary>
    public static async Task<BenchmarkResult> RunAsync(BenchmarkSettings settings, IBenchmarkSystem system, IScenario scenario, TextWriter log, CancellationToken cancellationToken)
    {
        var current = new CurrentRun();
        log.WriteLine($"# {system.Name} {scenario.Name}: {settings.Duration.TotalSeconds:F0} s of competing load, C={settings.Consumers}, "
            + $"W={BenchmarkSettings.Window}, B={BenchmarkSettings.Batch}, prefetch {settings.Prefetch}, "
            + $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} cores");

        var driver = await system.StartAsync(scenario, settings, current, cancellationToken).ConfigureAwait(false);
        await using (driver.ConfigureAwait(false))
        {
            var wal = driver.WriteAheadLog;
            log.WriteLine(wal is null
                ? "# no write-ahead log to watch"
                : $"# watching {wal.Path}: truncation threshold {wal.TruncateThreshold} bytes, bound {SoakRules.WalBoundBytes(wal)} bytes");

            var warmUp = await RunExecutor.RunAsync(driver, current, new RunTracker(WarmUpRun, BenchmarkSettings.WarmUpItems, scenario.Slots), settings.Timeout, cancellationToken).ConfigureAwait(false);
            log.WriteLine("# " + warmUp.Describe("warm-up"));
            if (!warmUp.Finished)
            {
                return BenchmarkResult.Failed(settings);
            }

            var tracker = new SoakTracker(SoakRun);
            current.Tracker = tracker;
            var before = ProcessCost.Now();
            var outcome = await SoakLoad.RunAsync(driver, tracker, settings, log, cancellationToken).ConfigureAwait(false);
            log.WriteLine("# " + outcome.Describe());
            log.WriteLine("# soak cost: " + ProcessCost.Now().Since(before).Describe(outcome.Handled));
            var broken = SoakRules.Check(outcome, wal);
            foreach (var rule in broken)
            {
                log.WriteLine("# soak rule broken: " + rule);
            }

            return Result(settings, outcome, warmUp.Correct && broken.Count == 0);
        }
    }

    private static BenchmarkResult Result(BenchmarkSettings settings, SoakOutcome outcome, bool correct) => new(
        settings.System,
        settings.Scenario,
        outcome.Sent,
        settings.Consumers,
        outcome.Elapsed.TotalSeconds,
        outcome.HandledPerSecond,
        outcome.Latency.P50Milliseconds,
        outcome.Latency.P99Milliseconds,
        correct,
        settings.Ablations,
        new SoakFigures(
            settings.Duration.TotalSeconds,
            outcome.Peaks.MaxWalBytes,
            outcome.FinalWalBytes,
            outcome.Peaks.MaxWorkingSetBytes,
            outcome.Peaks.FirstMinuteWorkingSetBytes),
        Prefetch: settings.Prefetch);
}
