using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Sagas;

namespace Switchboard.PostgreSql.Tests;

public sealed record Bump(string Key, int Number);

public sealed record Bumped(string Key, int Count);

public sealed class BumpState
{
    public int Count { get; set; }
}

/// <summary>Counts to 100, writing each bump to the handler's own table on the unit of work's connection; then publishes and completes.</summary>
public sealed class BumpSaga(ISqlUnitOfWork unitOfWork) : ISagaHandler<BumpState, Bump>
{
    public async ValueTask HandleAsync(Bump message, ISagaContext<BumpState> saga, CancellationToken cancellationToken)
    {
        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken);
        await using (var command = transaction.Connection!.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO bumps (id, value) VALUES ('{message.Key}-{message.Number}', {message.Number})";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

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

/// <summary>The store under a bus: contention on one saga, with handlers' own SQL (unqualified names) in the unit of work.</summary>
public sealed class BusTests : SchemaTest
{
    [Fact]
    public async Task Hundred_concurrent_messages_for_one_saga_lose_no_update_and_commit_with_the_handlers_rows()
    {
        await ExecuteAsync($"CREATE SCHEMA {Quoted}; CREATE TABLE {Quoted}.bumps (id text PRIMARY KEY, value bigint NOT NULL)");
        var log = new BumpedLog();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(log);
        builder.Services.AddSwitchboard(bus => bus
            .Message<Bump>("test.pg.bump.v1").Message<Bumped>("test.pg.bumped.v1")
            .Endpoint("bumps", e => e.Concurrency(16).Saga<BumpSaga, BumpState>("bump", s => s.StartedBy<Bump>(m => m.Key)))
            .Endpoint("observer", e => e.Handle<Bumped, BumpedHandler>())
            .UseInMemory(new InMemoryNetwork())
            .UsePostgreSqlStore(TestServer.ConnectionString, o => o with { Schema = Schema }, new StoreOptions { RelayInterval = TimeSpan.FromMilliseconds(100), DispatchGrace = TimeSpan.FromMilliseconds(500) }));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await Task.WhenAll(Enumerable.Range(1, 100).Select(i => bus.SendAsync(new Bump("k1", i), SendOptions.To("bumps")).AsTask()));
            for (var i = 0; i < 6000 && log.Entries.IsEmpty; i++)
            {
                await Task.Delay(10);
            }

            Assert.Single(log.Entries);
            var store = host.Services.GetRequiredService<IMessageStore>();
            Assert.Equal("postgresql", store.Name);
            await using var transaction = await store.BeginAsync();
            var record = await transaction.LoadSagaAsync("bump", "k1");
            Assert.Equal(100, record!.Version);
            Assert.True(record.Completed);
            Assert.Equal(100, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.bumps"));
            Assert.Equal(100, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.inbox WHERE endpoint = 'bumps'"));
            await WaitAsync(async () => (await store.Outbox.GetStatisticsAsync()).Pending == 0);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600 && !await condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition());
    }
}
