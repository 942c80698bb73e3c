using System.CommandLine;
using System.CommandLine.Help;
using Switchboard.Benchmarks.Diagnostics;
using Switchboard.Benchmarks.Scenarios;
using Switchboard.Benchmarks.Systems;

namespace Switchboard.Benchmarks.Cli;

/// <summary>
/// <c>&lt;system&gt; &lt;scenario&gt; [--n N] [--consumers C] [--rabbitmq URI] [--postgres CS]</c>, as BENCHMARKS.md documents,
/// and <c>[--duration-seconds S]</c> for the soak scenario.
/// </summary>
public static class BenchmarkCommandLine
{
    /// <summary>Exit code of a command line that cannot be run (unknown system or scenario, bad option).</summary>
    public const int UsageError = 2;

    private static readonly Argument<string> SystemArgument = new("system")
    {
        Description = "System under test: " + string.Join(", ", BenchmarkSystems.Names),
    };

    private static readonly Argument<string> ScenarioArgument = new("scenario")
    {
        Description = "Scenario: " + string.Join(", ", BenchmarkScenarios.Names),
    };

    private static readonly Option<int?> ItemsOption = new("--n")
    {
        Description = "Items of the measured run (default: the scenario's: 100000 for competing and ordered, 50000 for fanout, 10000 orders for saga)",
    };

    private static readonly Option<int> ConsumersOption = new("--consumers")
    {
        Description = "Handlers at once per receive endpoint",
        DefaultValueFactory = _ => 4,
    };

    private static readonly Option<string> RabbitMqOption = new("--rabbitmq")
    {
        Description = "AMQP URI of the RabbitMQ broker (RabbitMQ systems)",
        DefaultValueFactory = _ => "amqp://guest:guest@127.0.0.1:5672/",
    };

    private static readonly Option<string> PostgresOption = new("--postgres")
    {
        Description = "Npgsql connection string of the PostgreSQL store (saga scenario on switchboard-rabbitmq; a role that may create schemas); "
            + "default: $SWITCHBOARD_POSTGRES_CONNECTION, else the local server",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCHBOARD_POSTGRES_CONNECTION") is { Length: > 0 } connection
            ? connection
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres",
    };

    private static readonly Option<int> BatchOption = new("--batch")
    {
        Description = "Events per append (append scenario)",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int> InFlightOption = new("--in-flight")
    {
        Description = "Appends each writer keeps in flight, each on a stream of its own (append scenario)",
        DefaultValueFactory = _ => 10,
    };

    private static readonly Option<int> TimeoutOption = new("--timeout")
    {
        Description = "Seconds one run (warm-up or measured) may take before it counts as incorrect",
        DefaultValueFactory = _ => 120,
    };

    private static readonly Option<int> DurationOption = new("--duration-seconds")
    {
        Description = "Soak scenario: seconds of continuous load",
        DefaultValueFactory = _ => 180,
    };

    private static readonly Option<bool> AuditOption = new("--audit")
    {
        Description = "Switchboard systems: audit every endpoint (UseAudit) into the transport's store",
    };

    private static readonly Option<int> PrefetchOption = new("--prefetch")
    {
        Description = "Switchboard systems: prefetch of every receive endpoint (default 256, protocol rule 4; any other value is not a protocol run)",
        DefaultValueFactory = _ => BenchmarkSettings.ProtocolPrefetch,
    };

    private static readonly Option<string[]> AblateOption = new("--ablate")
    {
        Description = "Diagnostics only, not a protocol run: take parts of the bus out (" + string.Join(", ", Ablations.Names) + ")",
        AllowMultipleArgumentsPerToken = true,
        Hidden = true,
    };

    /// <summary>
    /// Parses the command line. Returns the arguments, or null with the exit code to use (0 after printing help,
    /// <see cref="UsageError"/> after printing what is wrong on <paramref name="error"/>).
    /// </summary>
    public static CommandLineArguments? Parse(string[] args, TextWriter error, out int exitCode)
    {
        var root = new RootCommand("Switchboard benchmark runner: prints one JSON line per run (see BENCHMARKS.md).")
        {
            SystemArgument, ScenarioArgument, ItemsOption, ConsumersOption, RabbitMqOption, PostgresOption, BatchOption, InFlightOption, TimeoutOption, DurationOption, AuditOption, PrefetchOption, AblateOption,
        };

        var result = root.Parse(args);
        if (result.Action is HelpAction)
        {
            exitCode = result.Invoke();
            return null;
        }

        var problems = result.Errors.Select(e => e.Message).ToList();
        var parsed = problems.Count == 0 ? Read(result, problems) : null;
        if (parsed is null || problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine("error: " + problem);
            }

            error.WriteLine("usage: Switchboard.Benchmarks <system> <scenario> [--n N] [--consumers C] [--rabbitmq URI] [--postgres CONNECTION] [--batch EVENTS] [--in-flight APPENDS] [--timeout SECONDS] [--duration-seconds SECONDS] [--audit] [--prefetch P]");
            exitCode = UsageError;
            return null;
        }

        exitCode = 0;
        return parsed;
    }

    private static CommandLineArguments? Read(ParseResult result, List<string> problems)
    {
        var items = result.GetValue(ItemsOption);
        var consumers = result.GetValue(ConsumersOption);
        var timeout = result.GetValue(TimeoutOption);
        var duration = result.GetValue(DurationOption);
        var ablations = (result.GetValue(AblateOption) ?? [])
            .SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        if (items is < 1)
        {
            problems.Add("--n must be at least 1");
        }

        if (consumers < 1)
        {
            problems.Add("--consumers must be at least 1");
        }

        var batch = result.GetValue(BatchOption);
        if (batch < 1)
        {
            problems.Add("--batch must be at least 1");
        }

        var inFlight = result.GetValue(InFlightOption);
        if (inFlight < 1)
        {
            problems.Add("--in-flight must be at least 1");
        }

        if (timeout < 1)
        {
            problems.Add("--timeout must be at least 1 second");
        }

        if (duration < 1)
        {
            problems.Add("--duration-seconds must be at least 1 second");
        }

        if (!Uri.TryCreate(result.GetValue(RabbitMqOption), UriKind.Absolute, out var rabbitMq))
        {
            problems.Add("--rabbitmq must be an absolute URI such as amqp://guest:guest@127.0.0.1:5672/");
        }

        var audit = result.GetValue(AuditOption);
        if (audit && result.GetRequiredValue(SystemArgument).StartsWith("raw-", StringComparison.Ordinal))
        {
            problems.Add("--audit applies to Switchboard systems only");
        }

        var prefetch = result.GetValue(PrefetchOption);
        if (prefetch < 1)
        {
            problems.Add("--prefetch must be at least 1");
        }
        else if (prefetch != BenchmarkSettings.ProtocolPrefetch && result.GetRequiredValue(SystemArgument).StartsWith("raw-", StringComparison.Ordinal))
        {
            problems.Add("--prefetch applies to Switchboard systems only");
        }

        var scenario = result.GetRequiredValue(ScenarioArgument);
        problems.AddRange(ablations
            .Where(a => Ablations.ScenarioOnly.TryGetValue(a, out var only) && only != scenario)
            .Select(a => $"--ablate {a} applies to the {Ablations.ScenarioOnly[a]} scenario only"));

        problems.AddRange(ablations.Where(a => !Ablations.Names.Contains(a)).Select(a => $"unknown ablation '{a}' (known: {string.Join(", ", Ablations.Names)})"));
        if (problems.Count > 0 || rabbitMq is null)
        {
            return null;
        }

        return new CommandLineArguments(
            result.GetRequiredValue(SystemArgument),
            result.GetRequiredValue(ScenarioArgument),
            items,
            consumers,
            rabbitMq,
            result.GetRequiredValue(PostgresOption),
            TimeSpan.FromSeconds(timeout),
            TimeSpan.FromSeconds(duration),
            ablations,
            batch,
            inFlight,
            audit,
            prefetch);
    }
}
