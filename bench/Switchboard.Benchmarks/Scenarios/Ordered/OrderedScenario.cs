using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Benchmarks.Diagnostics;
using Switchboard.Benchmarks.Measurement;
using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Scenarios.Ordered;

/// <summary>
/// <c>ordered</c>: as <c>competing</c>, but every <see cref="KeyedOrderPlaced"/> carries one of <see cref="Keys"/> keys
/// (sequence number % 1,000) and the endpoint is ordered by it. The handler records (key, sequence) in the
/// <see cref="KeyOrderLedger"/> and waits the item's <see cref="HandlerDelay"/> (0–1 ms). Under the
/// <see cref="Ablations.Ordering"/> ablation it is its own unordered twin: the same messages, keys on the wire and
/// handler waits, on an endpoint that is not ordered; ordered / twin is the figure issue 19 sets a target for. Under
/// <see cref="Ablations.Delay"/> the handler does not wait.
/// </summary>
public sealed class OrderedScenario : IScenario
{
    /// <summary>The scenario's command-line name.</summary>
    public const string ScenarioName = "ordered";

    /// <summary>The queue the commands go to.</summary>
    public const string Queue = "bench-ordered";

    /// <summary>How many ordering keys the messages spread over.</summary>
    public const int Keys = 1_000;

    /// <inheritdoc />
    public string Name => ScenarioName;

    /// <inheritdoc />
    public int DefaultItems => 100_000;

    /// <inheritdoc />
    public int Slots => 1;

    /// <summary>The ordering key of item <paramref name="sequence"/>.</summary>
    public static int KeyOf(int sequence) => sequence % Keys;

    /// <inheritdoc />
    public bool RequiresOrder(BenchmarkSettings settings) => !settings.Ablations.Contains(Ablations.Ordering);

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus, BenchmarkSettings settings)
    {
        bus.Services.TryAddSingleton<KeyOrderLedger>();
        bus.Services.TryAddSingleton(_ => new HandlerDelay(sleepers: settings.Ablations.Contains(Ablations.Delay) ? 0 : settings.Consumers));
        bus.Message<KeyedOrderPlaced>("bench.keyed-order-placed.v1").Route<KeyedOrderPlaced>(Queue);
        if (RequiresOrder(settings))
        {
            bus.Endpoint(Queue, e => e
                .Handle<KeyedOrderPlaced, KeyedOrderPlacedHandler>(subscribe: false)
                .OrderedBy<KeyedOrderPlaced>(static m => m.Key)
                .WithProtocolLimits(settings));
        }
        else
        {
            // The twin: every message still carries its key (the same header, stamped the same way); the endpoint ignores it.
            bus.OrderingKey<KeyedOrderPlaced>(static m => m.Key)
                .Endpoint(Queue, e => e.Handle<KeyedOrderPlaced, KeyedOrderPlacedHandler>(subscribe: false).WithProtocolLimits(settings));
        }
    }

    /// <inheritdoc />
    public ValueTask StartItemAsync(IBus bus, IItemTracker run, int sequence, CancellationToken cancellationToken) =>
        bus.SendAsync(new KeyedOrderPlaced(run.IdOf(sequence), sequence, KeyOf(sequence)), cancellationToken: cancellationToken);

    /// <summary>
    /// Per key, every message was handled after the ones sent before it, one at a time. Only a problem on an ordered
    /// endpoint: the twin's figures are written to stderr, to show what ordering prevents.
    /// </summary>
    public ValueTask<IReadOnlyList<string>> VerifyAsync(IServiceProvider services, RunTracker run, CancellationToken cancellationToken)
    {
        var ordered = services.GetRequiredService<BusConfiguration>().Endpoints.Single(e => e.Queue == Queue).Ordered;
        var order = services.GetRequiredService<KeyOrderLedger>().Of(run.Run);
        Console.Error.WriteLine($"# verification: {(ordered ? "ordered" : "unordered twin")} endpoint; {order.Describe()}");
        foreach (var example in order.Examples)
        {
            Console.Error.WriteLine("# order violation: " + example);
        }

        IReadOnlyList<string> problems = ordered && !order.InOrder
            ? [$"{order.OutOfOrder} messages handled out of order and {order.Overlapping} while another of their key was handled"]
            : [];
        return ValueTask.FromResult(problems);
    }
}
