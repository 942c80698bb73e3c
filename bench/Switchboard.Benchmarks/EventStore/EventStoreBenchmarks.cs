using Switchboard.Benchmarks.Cli;

namespace Switchboard.Benchmarks.EventStore;

/// <summary>Runs the event store scenarios (<c>append</c>, <c>catchup</c>) and prints their one JSON line.</summary>
public static class EventStoreBenchmarks
{
    /// <summary>Runs the scenario named in <paramref name="arguments"/>; the process exit code.</summary>
    public static async Task<int> RunAsync(CommandLineArguments arguments, TextWriter log)
    {
        var catchup = arguments.Scenario == CatchupScenario.Name;
        var settings = arguments.ToSettings(catchup ? 1_000_000 : 100_000);
        var known = catchup ? EventStoreSystems.Names : [.. EventStoreSystems.Names, RawPostgreSqlAppend.SystemName];
        if (!known.Contains(settings.System))
        {
            log.WriteLine($"error: scenario '{settings.Scenario}' runs on {string.Join(", ", known)}");
            return BenchmarkCommandLine.UsageError;
        }

        BenchmarkResult result;
        try
        {
            result = catchup ? await CatchupScenario.RunAsync(settings, log, CancellationToken.None).ConfigureAwait(false)
                : settings.System == RawPostgreSqlAppend.SystemName ? await RawPostgreSqlAppend.RunAsync(settings, log, CancellationToken.None).ConfigureAwait(false)
                : await AppendScenario.RunAsync(settings, log, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log.WriteLine($"error: the benchmark failed: {e}");
            result = BenchmarkResult.Failed(settings);
        }

        Console.Out.WriteLine(result.ToJsonLine());
        Console.Out.Flush();
        return result.Correct ? 0 : 1;
    }
}
