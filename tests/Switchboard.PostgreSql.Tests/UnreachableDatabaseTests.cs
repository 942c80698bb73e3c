using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Aggregates;
using Switchboard.EventSourcing.Hosting;
using Switchboard.Hosting;
using Switchboard.InMemory;
using Switchboard.Conformance.EventSourcing;
using Switchboard.Conformance.Harness;

namespace Switchboard.PostgreSql.Tests;

/// <summary>
/// The database cannot be reached when the host starts (a closed <see cref="TcpProxy"/> in front of the real server):
/// the host starts, the bus and event sourcing report not ready, and they start once the database is reachable.
/// </summary>
public sealed class UnreachableDatabaseTests : SchemaScopedTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_bus_started_while_its_database_is_unreachable_handles_messages_once_it_is_reachable()
    {
        await using var proxy = Proxy();
        var log = new BumpedLog();
        using var host = Build(services => services.AddSingleton(log), bus => bus
            .Message<Bumped>("test.pg.bumped.v1")
            .Endpoint("observer", e => e.Transactional().Handle<Bumped, BumpedHandler>())
            .UsePostgreSqlStore(ViaProxy(proxy), o => o with { Schema = Schema }));

        await host.StartAsync();
        var health = await HealthAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains($"PostgreSQL at 127.0.0.1:{proxy.Port} cannot be reached", health.Entries[SwitchboardHealthChecks.Bus].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, health.Entries[PostgreSqlSwitchboardBuilderExtensions.HealthCheckName].Status);

        proxy.Open();
        await WaitForHealthyAsync(host);
        await host.Services.GetRequiredService<IBus>().SendAsync(new Bumped("k", 1), SendOptions.To("observer"));
        await WaitUntilAsync(() => !log.Entries.IsEmpty);
        await WaitUntilAsync(async () => await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.inbox WHERE endpoint = 'observer'") == 1);
        await host.StopAsync();
    }

    [Fact]
    public async Task Projections_and_forwarding_started_while_the_event_store_is_unreachable_catch_up_once_it_is_reachable()
    {
        await using var proxy = Proxy();
        var forwarded = new ConcurrentQueue<int>();
        using var host = Build(services => services.AddSingleton(forwarded).AddSingleton(new TallyRules()), bus => bus
            .Message<Counted>("counted")
            .Endpoint("tally-audit", e => e.Handle<Counted, CountedAmounts>())
            .UsePostgreSqlEventStore(ViaProxy(proxy), o => o with { Schema = Schema })
            .EventSourcing(es => es
                .Event<Counted>("counted")
                .Aggregate<TestAccount>("tally")
                .Projection<SqlTallyProjection>(o => o with { MaxWait = TimeSpan.FromMilliseconds(100) })
                .ForwardToBus(filter: EventFilter.ForCategories("tally"), configure: o => o with { MaxWait = TimeSpan.FromMilliseconds(100) })));

        await host.StartAsync();
        var health = await HealthAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, health.Entries[SwitchboardHealthChecks.EventSourcing].Status);
        Assert.Equal(HealthStatus.Unhealthy, health.Entries[PostgreSqlEventStoreBuilderExtensions.HealthCheckName].Status);

        // A read-your-writes wait that begins before the projection could start waits for it.
        var projection = host.Services.GetRequiredService<EventSourcingRuntime>().Projection<SqlTallyProjection>();
        var early = projection.WaitForPositionAsync(1);

        proxy.Open();
        await WaitForHealthyAsync(host);
        await host.Services.GetRequiredService<AggregateRepository>().HandleAsync<TestAccount>("a", account => account.Deposit(7));
        var end = await host.Services.GetRequiredService<IEventStoreReader>().GetEndPositionAsync();
        await early.WaitAsync(Patience);
        await projection.WaitForPositionAsync(end).WaitAsync(Patience);

        // The tally itself, not only the position: a PostgreSQL read can stop below a transaction still open.
        await WaitUntilAsync(async () => await ScalarAsync<long>($"SELECT COALESCE((SELECT value FROM {Quoted}.tallies WHERE id = 'tally-a'), 0)") == 7);
        await WaitUntilAsync(() => forwarded.Contains(7));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_bus_whose_credentials_the_database_refuses_fails_to_start()
    {
        var wrong = new NpgsqlConnectionStringBuilder(TestServer.ConnectionString) { Password = "not-the-password" }.ToString();
        using var host = Build(_ => { }, bus => bus.UsePostgreSqlStore(wrong, o => o with { Schema = Schema }));

        var failure = await Assert.ThrowsAsync<PostgresException>(() => host.StartAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, failure.SqlState);
    }

    private static TcpProxy Proxy()
    {
        var server = new NpgsqlConnectionStringBuilder(TestServer.ConnectionString);
        return TcpProxy.Closed(server.Host!, server.Port);
    }

    private static string ViaProxy(TcpProxy proxy) => new NpgsqlConnectionStringBuilder(TestServer.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ToString();

    private static IHost Build(Action<IServiceCollection> services, Action<SwitchboardBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        services(builder.Services);
        builder.Services.AddSwitchboard(bus =>
        {
            bus.UseInMemory(new InMemoryNetwork())
                .Configure(o => o with { StartRetryDelay = TimeSpan.FromMilliseconds(100), MaxStartRetryDelay = TimeSpan.FromSeconds(1) });
            configure(bus);
        });
        return builder.Build();
    }

    private static Task<HealthReport> HealthAsync(IHost host) =>
        host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains(SwitchboardHealthChecks.ReadyTag));

    private static async Task WaitForHealthyAsync(IHost host)
    {
        var deadline = DateTime.UtcNow + Patience;
        HealthReport health;
        while ((health = await HealthAsync(host)).Status != HealthStatus.Healthy)
        {
            Assert.True(DateTime.UtcNow < deadline, "Not healthy: " + string.Join("; ", health.Entries.Select(e => $"{e.Key}: {e.Value.Description}")));
            await Task.Delay(50);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(20);
        }
    }

    internal sealed class CountedAmounts(ConcurrentQueue<int> forwarded) : IMessageHandler<Counted>
    {
        public ValueTask HandleAsync(Counted message, IMessageContext context, CancellationToken cancellationToken)
        {
            forwarded.Enqueue(message.Amount);
            return ValueTask.CompletedTask;
        }
    }
}
