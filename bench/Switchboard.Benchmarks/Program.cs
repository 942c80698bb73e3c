using Switchboard.Benchmarks;
using Switchboard.Benchmarks.Cli;
using Switchboard.Benchmarks.EventStore;
using Switchboard.Benchmarks.Scenarios;
using Switchboard.Benchmarks.Scenarios.Soak;
using Switchboard.Benchmarks.Soak;
using Switchboard.Benchmarks.Systems;

// stdout carries exactly one JSON line; everything else goes to stderr.
var log = Console.Error;
var arguments = BenchmarkCommandLine.Parse(args, log, out var exitCode);
if (arguments is null)
{
    return exitCode;
}

if (arguments.Scenario is AppendScenario.Name or CatchupScenario.Name)
{
    return await EventStoreBenchmarks.RunAsync(arguments, log);
}

var system = BenchmarkSystems.Find(arguments.System);
var scenario = BenchmarkScenarios.Find(arguments.Scenario);
if (system is null || scenario is null)
{
    if (system is null)
    {
        log.WriteLine($"error: unknown system '{arguments.System}'; known systems: {string.Join(", ", BenchmarkSystems.Names)}");
    }

    if (scenario is null)
    {
        log.WriteLine($"error: unknown scenario '{arguments.Scenario}'; known scenarios: {string.Join(", ", BenchmarkScenarios.Names)}");
    }

    return BenchmarkCommandLine.UsageError;
}

var settings = arguments.ToSettings(scenario.DefaultItems);
if (system.CannotRun(scenario, settings) is { } reason)
{
    log.WriteLine("error: " + reason);
    return BenchmarkCommandLine.UsageError;
}

BenchmarkResult result;
try
{
    result = scenario is SoakScenario
        ? await SoakRunner.RunAsync(settings, system, scenario, log, CancellationToken.None)
        : await BenchmarkRunner.RunAsync(settings, system, scenario, log, CancellationToken.None);
}
catch (Exception e)
{
    log.WriteLine($"error: the benchmark failed: {e}");
    result = BenchmarkResult.Failed(settings);
}

Console.Out.WriteLine(result.ToJsonLine());
Console.Out.Flush();
return result.Correct ? 0 : 1;
