using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.EventSourcing.Aggregates;
using Switchboard.EventSourcing.Projections;
using Switchboard.EventSourcing.Subscriptions;
using Switchboard.Diagnostics;

namespace Switchboard.EventSourcing.Hosting;

/// <summary>
/// Configures event sourcing next to a bus (<c>builder.EventSourcing(es =&gt; ...)</c>): event type names and
/// upcasters, aggregates, projections, subscriptions and forwarding to the bus. Projections start once the event store
/// is initialized, subscriptions (forwarding included) once the bus has started too; all stop before the bus.
/// </summary>
public sealed class EventSourcingBuilder
{
    private readonly IServiceCollection _services;
    private readonly Dictionary<Type, AggregateOptions> _aggregates;
    private readonly List<Func<IServiceProvider, RunnerRegistration>> _runners;

    internal EventSourcingBuilder(IServiceCollection services, EventTypeMap types, Dictionary<Type, AggregateOptions> aggregates, List<Func<IServiceProvider, RunnerRegistration>> runners)
    {
        _services = services;
        Types = types;
        _aggregates = aggregates;
        _runners = runners;
    }

    /// <summary>The event type map (names and upcasters).</summary>
    public EventTypeMap Types { get; }

    /// <summary>Maps an event type to its stable stored name.</summary>
    public EventSourcingBuilder Event<TEvent>(string name)
        where TEvent : notnull
    {
        Types.Map<TEvent>(name);
        return this;
    }

    /// <summary>Reads events stored as <paramref name="oldName"/> as <typeparamref name="TOld"/> and converts them (see <see cref="EventTypeMap.Upcast{TOld, TNew}"/>).</summary>
    public EventSourcingBuilder Upcast<TOld, TNew>(string oldName, Func<TOld, TNew> upcast)
        where TOld : notnull
        where TNew : notnull
    {
        Types.Upcast(oldName, upcast);
        return this;
    }

    /// <summary>Rewrites the JSON of events stored as <paramref name="oldName"/> and reads them as <paramref name="newName"/>.</summary>
    public EventSourcingBuilder UpcastJson(string oldName, string newName, Func<JsonObject, JsonObject> upcast)
    {
        Types.UpcastJson(oldName, newName, upcast);
        return this;
    }

    /// <summary>Registers an aggregate type whose streams are <c>{category}-{id}</c>, for <see cref="AggregateRepository"/>.</summary>
    public EventSourcingBuilder Aggregate<TAggregate>(string category, Func<AggregateOptions, AggregateOptions>? configure = null)
        where TAggregate : class, new()
    {
        var options = new AggregateOptions(category);
        _aggregates[typeof(TAggregate)] = configure?.Invoke(options) ?? options;
        return this;
    }

    /// <summary>
    /// Runs projection <typeparamref name="TProjection"/> (resolved from the container, so it can take dependencies).
    /// Its host is available as <see cref="EventSourcingRuntime.Projection{TProjection}"/>. A
    /// <see cref="SqlProjection"/> needs an event store with SQL (<see cref="ISqlEventStore"/>): on another, the host
    /// fails to start.
    /// </summary>
    public EventSourcingBuilder Projection<TProjection>(Func<SubscriptionOptions, SubscriptionOptions>? configure = null)
        where TProjection : Projection
    {
        _services.TryAddSingleton<TProjection>();
        _runners.Add(sp =>
        {
            var projection = sp.GetRequiredService<TProjection>();
            var options = new SubscriptionOptions(projection.Name);
            return RunnerRegistration.For(new ProjectionHost(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<ICheckpointStore>(), sp.GetRequiredService<EventTypeMap>(), projection, configure?.Invoke(options) ?? options, sp.Loggers().CreateLogger(typeof(ProjectionHost).FullName + "." + projection.Name)));
        });
        return this;
    }

    /// <summary>Runs a subscription that hands events to <typeparamref name="THandler"/> (resolved from the container).</summary>
    public EventSourcingBuilder Subscription<THandler>(SubscriptionOptions options)
        where THandler : class, IEventBatchHandler
    {
        ArgumentNullException.ThrowIfNull(options);
        _services.TryAddSingleton<THandler>();
        _runners.Add(sp => RunnerRegistration.For(new EventSubscription(sp.GetRequiredService<IEventStoreReader>(), sp.GetRequiredService<ICheckpointStore>(), options, sp.GetRequiredService<THandler>(), sp.Loggers().CreateLogger(typeof(EventSubscription).FullName + "." + options.Name), sp.GetService<TimeProvider>())));
        return this;
    }

    /// <summary>
    /// Publishes stored events to the bus reliably (<see cref="BusForwarder"/>), as a subscription named
    /// <paramref name="name"/> over <paramref name="filter"/>. The events' types must also be registered as bus messages.
    /// </summary>
    public EventSourcingBuilder ForwardToBus(string name = "forward-to-bus", EventFilter? filter = null, Func<SubscriptionOptions, SubscriptionOptions>? configure = null)
    {
        var options = new SubscriptionOptions(name) { Filter = filter ?? EventFilter.All };
        return Subscription<BusForwarder>(configure?.Invoke(options) ?? options);
    }
}
