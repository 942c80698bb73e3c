using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Configuration;
using Switchboard.EventSourcing.Aggregates;
using Switchboard.EventSourcing.Hosting;
using Switchboard.Sagas;
using Switchboard.Sqlite.Events;

namespace Switchboard.Sqlite.CrashHost;

/// <summary>Runs an event-sourced saga over the queue until stdin is closed (or the host is told to stop).</summary>
internal static class SagaCommand
{
    /// <summary>The aggregate a number deposits on.</summary>
    public static string Tally(int number) => "tally-" + (number % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(HostArguments arguments)
    {
        var builder = CrashHostBuilder.Create(arguments);
        builder.Services.AddSwitchboard(bus => bus
            .Message<Numbered>(Numbered.Name)
            .Endpoint(arguments.Queue, e => e
                .EventSourcedSaga<TallySaga, TallyAggregate>(s => s.Handles<Numbered>(m => Tally(m.Number)))
                .Concurrency(8)
                .Prefetch(64))
            .UseSqlite(CrashHostBuilder.Transport(arguments))
            .UseSqliteStore()
            .UseSqliteEventStore()
            .EventSourcing(es => es
                .Event<Deposited>("deposited")
                .Aggregate<TallyAggregate>("crash")));
        return await CrashHostBuilder.RunUntilStoppedAsync(builder);
    }
}

/// <summary>The event of the saga mode: a number deposited.</summary>
public sealed record Deposited(int Number);

/// <summary>The saga mode's aggregate: how many numbers were deposited.</summary>
public sealed class TallyAggregate : Aggregate<TallyState>
{
    public void Deposit(int number) => Raise(new Deposited(number));

    protected override TallyState Apply(TallyState state, object @event)
    {
        state.Count++;
        return state;
    }
}

/// <summary>The saga mode's aggregate state.</summary>
public sealed class TallyState
{
    public int Count { get; set; }
}

/// <summary>Deposits each number once per handling attempt: the unit of work keeps exactly one of them.</summary>
internal sealed class TallySaga(HostArguments arguments) : IEventSourcedSaga<TallyAggregate, Numbered>
{
    public async ValueTask HandleAsync(Numbered message, IEventSourcedSagaContext<TallyAggregate> saga, CancellationToken cancellationToken)
    {
        if (arguments.HandlerDelay > TimeSpan.Zero)
        {
            await Task.Delay(arguments.HandlerDelay, cancellationToken);
        }

        saga.Aggregate.Deposit(message.Number);
        Output.Line($"handled {message.Number}");
    }
}
