using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Persistence;
using Switchboard.Sagas;

namespace Switchboard.Sqlite.Tests.Store;

public sealed record Bump(string Key, int Number);

public sealed record Bumped(string Key, int Count);

public sealed class BumpState
{
    public int Count { get; set; }
}

public sealed class BumpSaga : ISagaHandler<BumpState, Bump>
{
    public async ValueTask HandleAsync(Bump message, ISagaContext<BumpState> saga, CancellationToken cancellationToken)
    {
        saga.State.Count++;
        if (saga.State.Count == 100)
        {
            await saga.PublishAsync(new Bumped(saga.Key, saga.State.Count), cancellationToken: cancellationToken);
            saga.Complete();
        }
    }
}

public sealed class BumpedLog
{
    public ConcurrentQueue<Bumped> Entries { get; } = new();
}

public sealed class BumpedHandler(BumpedLog log) : IMessageHandler<Bumped>
{
    public ValueTask HandleAsync(Bumped message, IMessageContext context, CancellationToken cancellationToken)
    {
        log.Entries.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}

public sealed class SqliteSagaSmokeTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hundred_concurrent_messages_for_one_saga_lose_no_update(bool sharedFile)
    {
        var path = TestDatabase.NewPath();
        var log = new BumpedLog();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(log);
        var network = new Switchboard.InMemory.InMemoryNetwork();
        builder.Services.AddSwitchboard(bus =>
        {
            bus.Message<Bump>("test.bump.v1").Message<Bumped>("test.bumped.v1")
                .Endpoint("bumps", e => e.Concurrency(16).Saga<BumpSaga, BumpState>("bump", s => s.StartedBy<Bump>(m => m.Key)))
                .Endpoint("observer", e => e.Handle<Bumped, BumpedHandler>());
            if (sharedFile)
            {
                bus.UseSqlite(path).UseSqliteStore();
            }
            else
            {
                bus.UseInMemory(network).UseSqliteStore(new SqliteTransportOptions { Path = path });
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await Task.WhenAll(Enumerable.Range(1, 100).Select(i => bus.SendAsync(new Bump("k1", i), SendOptions.To("bumps")).AsTask()));
            for (var i = 0; i < 3000 && log.Entries.IsEmpty; i++)
            {
                await Task.Delay(10);
            }

            Assert.Single(log.Entries);
            var store = host.Services.GetRequiredService<IMessageStore>();
            await using var transaction = await store.BeginAsync();
            var record = await transaction.LoadSagaAsync("bump", "k1");
            Assert.Equal(100, record!.Version);
            Assert.True(record.Completed);
            Assert.Equal(0, (await store.Outbox.GetStatisticsAsync()).Pending);
        }
        finally
        {
            await host.StopAsync();
            TestDatabase.Delete(path);
        }
    }
}
