using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Hosting;
using Switchboard.EventSourcing.Aggregates;
using Switchboard.Hosting;
using Switchboard.Persistence;
using Switchboard.Diagnostics;
using Switchboard.Runtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds event sourcing to a bus's configuration.</summary>
public static class EventSourcingSwitchboardBuilderExtensions
{
    /// <summary>
    /// Configures event sourcing on the event store set with <c>UseEventStore</c> (or a provider's
    /// <c>Use…EventStore</c>). Registers <see cref="EventTypeMap"/>, <see cref="AggregateRepository"/>, the scoped
    /// <see cref="IEventSession"/> of transactional endpoints and <see cref="EventSourcingRuntime"/>, and its health checks (<see cref="SwitchboardHealthChecks.EventSourcing"/>, <see cref="SwitchboardHealthChecks.SubscriptionLag"/>). The
    /// store is initialized and projections start when the host starts, subscriptions once the bus has started too; while
    /// the database cannot be reached they keep trying in the background.
    /// </summary>
    public static SwitchboardBuilder EventSourcing(this SwitchboardBuilder builder, Action<EventSourcingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (builder.Services.Any(d => d.ServiceType == typeof(EventSourcingRuntime)))
        {
            throw new InvalidOperationException("EventSourcing(...) was already called for this bus.");
        }

        var types = new EventTypeMap();
        var aggregates = new Dictionary<Type, AggregateOptions>();
        var runners = new List<Func<IServiceProvider, RunnerRegistration>>();
        configure(new EventSourcingBuilder(builder.Services, types, aggregates, runners));

        builder.Services.AddSingleton(types);
        builder.Services.AddSingleton(sp => new AggregateRepository(sp.GetRequiredService<IEventStoreReader>(), sp.GetRequiredService<IEventStoreWriter>(), sp.GetRequiredService<ISnapshotStore>(), types, aggregates, sp.GetService<ILogger<AggregateRepository>>()));
        builder.Services.AddScoped(sp => new EventSession(
            sp.GetRequiredService<UnitOfWork>(),
            sp.GetRequiredService<AggregateRepository>(),
            types,
            sp.GetRequiredService<IEventStore>(),
            sp.GetService<IMessageStore>() ?? throw new InvalidOperationException("An event session appends in the unit of work of a transactional endpoint, but the bus has no store: call UseInMemoryStore(), UseSqliteStore() or UsePostgreSqlStore(...).")));
        builder.Services.AddScoped<IEventSession>(sp => sp.GetRequiredService<EventSession>());
        builder.Services.AddSingleton(sp => new EventSourcingRuntime(
            sp.GetRequiredService<IEventStore>(),
            runners.ConvertAll(r => r(sp)),
            sp.GetRequiredService<BusRuntime>().Startup.Started,
            sp.GetRequiredService<BusConfiguration>().Options,
            sp.GetRequiredService<TimeProvider>(),
            sp.Loggers().CreateLogger("Switchboard.EventSourcing")));
        builder.Services.AddHealthChecks()
            .AddCheck<EventSourcingHealthCheck>(SwitchboardHealthChecks.EventSourcing, tags: SwitchboardHealthChecks.Tags)
            .AddCheck<SubscriptionLagHealthCheck>(SwitchboardHealthChecks.SubscriptionLag, tags: SwitchboardHealthChecks.FlowTags);
        return builder;
    }
}
