using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Aggregates;
using Switchboard.Consistency;
using Switchboard.EventSourcing.Hosting;
using Switchboard.Sqlite.Events;
using Switchboard.Conformance.EventSourcing;

namespace Switchboard.Sqlite.Tests.Events;

/// <summary>
/// The embedded default end to end: one SQLite file holds the bus's queues and the event store; commands go through
/// the aggregate repository, a projection keeps a table queried through its view, and the events reach a bus
/// consumer through the forwarding subscription — all registered with <c>EventSourcing(...)</c>.
/// </summary>
public sealed class EventSourcingHostTests : IAsyncLifetime
{
    private readonly string _path = TestDatabase.NewPath();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        TestDatabase.Delete(_path);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Commands_become_events_read_models_and_bus_messages_in_one_file()
    {
        var received = new ConcurrentQueue<string>();
        using var host = await StartAsync(received);
        var repository = host.Services.GetRequiredService<AggregateRepository>();
        var runtime = host.Services.GetRequiredService<EventSourcingRuntime>();

        for (var round = 0; round < 5; round++)
        {
            await repository.HandleAsync<TestAccount>("a", account => account.Deposit(10));
            await repository.HandleAsync<TestAccount>("b", account => account.Deposit(1));
        }

        var store = host.Services.GetRequiredService<IEventStoreReader>();
        var end = await store.GetEndPositionAsync();
        await runtime.Projection<SqlTallyProjection>().WaitForPositionAsync(end).WaitAsync(TimeSpan.FromSeconds(60));
        await runtime.Subscription("forward-to-bus").WaitForPositionAsync(end).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(new Dictionary<string, long> { ["tally-a"] = 50, ["tally-b"] = 5 }, ReadTallies());
        await WaitUntilAsync(() => received.Count >= 10);
        var events = await store.ReadAllAsync(0, 100);
        Assert.Equal(events.Events.Select(e => e.EventId).Order(), received.Order());
        Assert.Equal(50, (await repository.LoadAsync<TestAccount>("a")).State.Balance);
    }

    [Fact]
    public async Task A_read_waits_for_the_projection_and_for_the_endpoint_that_handles_the_forwarded_event()
    {
        using var host = await StartAsync(new ConcurrentQueue<string>());
        var types = host.Services.GetRequiredService<EventTypeMap>();
        var reads = host.Services.GetRequiredService<ReadYourWrites>();
        var counted = types.ToEventData(new Counted(5));

        var appended = await host.Services.GetRequiredService<IEventStoreWriter>().AppendAsync(StreamNames.For("tally", "ryw"), ExpectedVersion.NoStream, [counted]);
        var token = new ConsistencyToken(appended.Position, [counted.EventId]);

        Assert.True(await reads.WaitForProjectionAsync<SqlTallyProjection>(token, TimeSpan.FromSeconds(60)));
        Assert.Equal(5, ReadTallies()[StreamNames.For("tally", "ryw")]);
        // The forwarder publishes the event with its id as the message id; the endpoint that handles it is the read model.
        Assert.True(await reads.WaitForEndpointAsync("tally-audit", token, TimeSpan.FromSeconds(60)));
        // A position no write reached yet: the read gives up after its timeout and says so.
        Assert.False(await reads.WaitForProjectionAsync<SqlTallyProjection>(new ConsistencyToken(appended.Position + 1000), TimeSpan.FromMilliseconds(200)));
        await host.StopAsync();
    }

    private async Task<IHost> StartAsync(ConcurrentQueue<string> received)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(received);
        builder.Services.AddSingleton(new TallyRules());
        builder.Services.AddSwitchboard(bus => bus
            .Message<Counted>("counted")
            .UseSqlite(_path)
            .Endpoint("tally-audit", e => e.Handle<Counted, CountedIds>())
            .UseSqliteEventStore()
            .EventSourcing(es => es
                .Event<Counted>("counted")
                .Event<Renamed>("renamed")
                .Aggregate<TestAccount>("tally", a => a with { SnapshotEvery = 3 })
                .Projection<SqlTallyProjection>(o => o with { MaxWait = TimeSpan.FromMilliseconds(100) })
                .ForwardToBus(filter: EventFilter.ForCategories("tally"), configure: o => o with { MaxWait = TimeSpan.FromMilliseconds(100) })));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private Dictionary<string, long> ReadTallies()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, value FROM tallies";
        using var reader = command.ExecuteReader();
        var tallies = new Dictionary<string, long>();
        while (reader.Read())
        {
            tallies[reader.GetString(0)] = reader.GetInt64(1);
        }

        return tallies;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the forwarded events.");
            await Task.Delay(20);
        }
    }

    internal sealed class CountedIds(ConcurrentQueue<string> received) : IMessageHandler<Counted>
    {
        public ValueTask HandleAsync(Counted message, IMessageContext context, CancellationToken cancellationToken)
        {
            received.Enqueue(context.MessageId);
            return ValueTask.CompletedTask;
        }
    }
}
