using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Sagas;

namespace Switchboard.Tests.Sagas;

public sealed record Tick(string Key, int Number);

public sealed record Ticked(string Key, int Count);

public sealed class Counter
{
    public int Count { get; set; }

    public List<int> Seen { get; set; } = [];
}

public sealed class CounterSaga : ISagaHandler<Counter, Tick>
{
    public async ValueTask HandleAsync(Tick message, ISagaContext<Counter> saga, CancellationToken cancellationToken)
    {
        saga.State.Count++;
        saga.State.Seen.Add(message.Number);
        if (saga.State.Count == 100)
        {
            await saga.PublishAsync(new Ticked(saga.Key, saga.State.Count), cancellationToken: cancellationToken);
            saga.Complete();
        }
    }
}

public sealed class TickedLog
{
    public System.Collections.Concurrent.ConcurrentQueue<Ticked> Entries { get; } = new();
}

public sealed class TickedHandler(TickedLog log) : IMessageHandler<Ticked>
{
    public ValueTask HandleAsync(Ticked message, IMessageContext context, CancellationToken cancellationToken)
    {
        log.Entries.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}

public sealed class InMemorySagaSmokeTests
{
    [Fact]
    public async Task Hundred_concurrent_messages_for_one_saga_lose_no_update()
    {
        var store = new InMemoryMessageStore();
        var log = new TickedLog();
        using var host = await TestHost.StartAsync(bus => bus
            .Message<Tick>("test.tick.v1")
            .Message<Ticked>("test.ticked.v1")
            .UseInMemoryStore(store)
            .Endpoint("counter", e => e.Concurrency(16).Saga<CounterSaga, Counter>("counter", s => s.StartedBy<Tick>(m => m.Key)))
            .Endpoint("observer", e => e.Handle<Ticked, TickedHandler>()),
            services => services.AddSingleton(log));
        var bus = host.Services.GetRequiredService<IBus>();
        await Task.WhenAll(Enumerable.Range(1, 100).Select(i => bus.SendAsync(new Tick("k1", i), SendOptions.To("counter")).AsTask()));

        await TestHost.WaitUntilAsync(() => !log.Entries.IsEmpty, "the saga to complete");
        await using var transaction = await store.BeginAsync();
        var record = await transaction.LoadSagaAsync("counter", "k1");
        Assert.NotNull(record);
        Assert.True(record.Completed);
        Assert.Equal(100, record.Version);

        // A late message after completion is ignored and never starts the saga again.
        await bus.SendAsync(new Tick("k1", 101), SendOptions.To("counter"));
        await Task.Delay(300);
        Assert.Single(log.Entries);
        await using var again = await store.BeginAsync();
        Assert.Equal(100, (await again.LoadSagaAsync("counter", "k1"))!.Version);
    }
}
