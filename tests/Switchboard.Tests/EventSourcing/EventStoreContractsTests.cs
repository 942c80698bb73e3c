using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Hosting;
using Switchboard.EventSourcing.Subscriptions;
using Switchboard.InMemory;
using Switchboard.Conformance.EventSourcing;

namespace Switchboard.Tests.EventSourcing;

/// <summary>The event store's small contracts as the container hands them out, and what a store without SQL refuses up front.</summary>
public sealed class EventStoreContractsTests
{
    [Fact]
    public async Task Every_contract_of_the_event_store_resolves_to_the_one_instance()
    {
        var store = new InMemoryEventStore();
        await using var services = new ServiceCollection()
            .AddSwitchboard(bus => bus.UseInMemory(new InMemoryNetwork()).UseInMemoryEventStore(store))
            .BuildServiceProvider();

        Assert.Same(store, services.GetRequiredService<IEventStore>());
        Assert.Same(store, services.GetRequiredService<IEventStoreReader>());
        Assert.Same(store, services.GetRequiredService<IEventStoreWriter>());
        Assert.Same(store, services.GetRequiredService<ICheckpointStore>());
        Assert.Same(store, services.GetRequiredService<ISnapshotStore>());
    }

    [Fact]
    public async Task A_sql_projection_on_a_store_without_sql_fails_the_start_and_says_why()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(new TallyRules());
        builder.Services.AddSwitchboard(bus => bus
            .UseInMemory(new InMemoryNetwork())
            .UseInMemoryEventStore()
            .EventSourcing(es => es.Event<Counted>("counted").Projection<SqlTallyProjection>()));
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => host.StartAsync());

        Assert.Contains("Projection 'tally'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("in-memory", refused.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ISqlEventStore), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_that_checkpoints_in_transactions_needs_a_store_with_them()
    {
        await using var store = new InMemoryEventStore();
        var options = new SubscriptionOptions("in-transaction") { CheckpointMode = CheckpointMode.InTransaction };

        var refused = Assert.Throws<ArgumentException>(() => new EventSubscription(ReaderOnly.Create(), store, options, new RecordingBatchHandler()));

        Assert.Equal("events", refused.ParamName);
        await using var onTheStore = new EventSubscription(store, store, options, new RecordingBatchHandler());
    }

    // A reader and nothing more (no transactions); the subscription refuses it before it reads anything.
    private class ReaderOnly : DispatchProxy
    {
        public static IEventStoreReader Create() => Create<IEventStoreReader, ReaderOnly>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"The subscription read ({targetMethod?.Name}) where it was to refuse the reader.");
    }
}
