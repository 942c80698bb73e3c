using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Pipeline;
using Switchboard.Serialization;
using Switchboard.Transport;

namespace Switchboard.Configuration;

/// <summary>The one fluent place where a bus is configured: message names, routes, endpoints, transport.</summary>
public sealed class SwitchboardBuilder
{
    private readonly List<KeyValuePair<string, Type>> _messages = [];
    private readonly Upcasters _upcasters = new();
    private readonly Dictionary<Type, string> _routes = [];
    private readonly HashSet<Type> _publications = [];
    private readonly List<EndpointBuilder> _endpoints = [];
    private readonly List<Action<ReceivePipelineBuilder>> _pipelineChanges = [];
    private readonly OrderingKeys _orderingKeys = new();
    private Func<IServiceProvider, ITransport>? _transport;
    private Func<BusOptions, IMessageSerializer> _serializer = static o => new JsonMessageSerializer(o.MaxBodyDepth);
    private BusOptions _options = new();

    internal SwitchboardBuilder(IServiceCollection services, IConfigurationSection? configuration = null)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The application's service collection, for providers that register services of their own.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The section given to <c>AddSwitchboard(configuration, …)</c>, or null. Its <c>Bus</c>, <c>Store</c>,
    /// <c>Health</c>, <c>EndpointDefaults</c> and <c>Endpoints:{queue}</c> keys are applied over what the code sets (see
    /// docs/configuration.md); providers' own sections are given to their <c>Use…</c> methods.
    /// </summary>
    public IConfigurationSection? Configuration { get; }

    /// <summary>Registers a message type under its stable wire name, e.g. <c>shop.order-created.v1</c>.</summary>
    public SwitchboardBuilder Message<TMessage>(string name)
        where TMessage : notnull
    {
        MessageTypeRegistry.ValidateName(name);
        _messages.Add(new(name, typeof(TMessage)));
        return this;
    }

    /// <summary>
    /// Messages that arrive under the old wire name <paramref name="oldName"/> are read as <typeparamref name="TOld"/>
    /// and turned into a <typeparamref name="TNew"/> by <paramref name="upcast"/>, for the endpoints that handle
    /// <typeparamref name="TNew"/> (or a type it is upcast to further) and not <typeparamref name="TOld"/>: producers
    /// still on the old version and consumers on the new one work side by side. Those endpoints also subscribe to
    /// <paramref name="oldName"/>. <typeparamref name="TNew"/> must be registered or upcast further by type;
    /// <typeparamref name="TOld"/> may be registered too, under <paramref name="oldName"/> only (so that this bus can
    /// still send it, and endpoints with a handler for it get it as it is). Checked when the bus is built.
    /// </summary>
    /// <remarks>
    /// An upcaster that throws dead-letters the message at once (it would throw on every redelivery), with its
    /// exception. The envelope is not changed: the handler sees the old name as <c>context.Envelope.MessageType</c>,
    /// and the message id, which the inbox deduplicates by, is the one the producer gave.
    /// </remarks>
    public SwitchboardBuilder Upcast<TOld, TNew>(string oldName, Func<TOld, TNew> upcast)
        where TOld : notnull
        where TNew : notnull
    {
        MessageTypeRegistry.ValidateName(oldName);
        ArgumentNullException.ThrowIfNull(upcast);
        _upcasters.AddTyped<TOld, TNew>(oldName, old => UpcastFailure.Guard(oldName, () => upcast(old)));
        return this;
    }

    /// <summary>
    /// Messages that arrive under the old wire name <paramref name="oldName"/> have their JSON body changed by
    /// <paramref name="upcast"/> and are then read as if they had arrived under <paramref name="newName"/> (registered,
    /// or upcast further), for when the old type is gone from the code. <paramref name="oldName"/> must not be
    /// registered. Otherwise as <see cref="Upcast{TOld, TNew}"/>.
    /// </summary>
    public SwitchboardBuilder UpcastJson(string oldName, string newName, Func<JsonObject, JsonObject> upcast)
    {
        MessageTypeRegistry.ValidateName(oldName);
        MessageTypeRegistry.ValidateName(newName);
        ArgumentNullException.ThrowIfNull(upcast);
        _upcasters.AddJson(oldName, newName, json => UpcastFailure.Guard(oldName, () => upcast(json)));
        return this;
    }

    /// <summary>Sends of <typeparamref name="TMessage"/> without an explicit destination go to <paramref name="queue"/>.</summary>
    public SwitchboardBuilder Route<TMessage>(string queue)
        where TMessage : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        _routes[typeof(TMessage)] = queue;
        return this;
    }

    /// <summary>
    /// Declares that this bus publishes <typeparamref name="TMessage"/> (registered with <see cref="Message{TMessage}"/>).
    /// The declarations are what a broker's per-service permissions are computed from
    /// (<see cref="BusConfiguration.Publications"/>); with <see cref="BusOptions.OnlyDeclaredPublications"/> the bus
    /// refuses to publish anything else.
    /// </summary>
    public SwitchboardBuilder Publishes<TMessage>()
        where TMessage : notnull
    {
        _publications.Add(typeof(TMessage));
        return this;
    }

    /// <summary>
    /// Every <typeparamref name="TMessage"/> this bus sends or publishes carries the key <paramref name="key"/> maps it to
    /// (<see cref="HeaderNames.OrderingKey"/>; a value's invariant text, null or empty for none): endpoints ordered by
    /// it handle the messages of one key one at a time, in the order they were sent. Give it on a bus that sends to an
    /// ordered endpoint it does not run; a bus that runs the endpoint gets it from <see cref="EndpointBuilder.OrderedBy{TMessage}"/>.
    /// A type has one key per bus. See docs/ordering.md.
    /// </summary>
    public SwitchboardBuilder OrderingKey<TMessage>(Func<TMessage, object?> key)
        where TMessage : notnull
    {
        _orderingKeys.Add(key, $"OrderingKey<{typeof(TMessage).Name}>");
        return this;
    }

    /// <summary>Declares a receive endpoint (a named queue this process consumes).</summary>
    public SwitchboardBuilder Endpoint(string queue, Action<EndpointBuilder> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        if (_endpoints.Exists(e => e.Queue == queue))
        {
            throw new InvalidOperationException($"Endpoint '{queue}' is configured twice.");
        }

        var endpoint = new EndpointBuilder(queue, Services, _orderingKeys);
        configure(endpoint);
        _endpoints.Add(endpoint);
        return this;
    }

    /// <summary>Sets the transport. Providers wrap this in <c>UseInMemory</c>, <c>UseSqlite</c>, <c>UseRabbitMq</c>.</summary>
    public SwitchboardBuilder UseTransport(Func<IServiceProvider, ITransport> factory)
    {
        _transport = factory;
        return this;
    }

    /// <summary>
    /// Sets the store that transactional endpoints and sagas keep their inbox, outbox and state in. Providers wrap
    /// this in <c>UseInMemoryStore</c>, <c>UseSqliteStore</c>, <c>UsePostgreSqlStore</c>. The bus initializes the store
    /// (its schema) at start-up and runs its outbox relay.
    /// </summary>
    public SwitchboardBuilder UseStore(Func<IServiceProvider, IMessageStore> factory, StoreOptions? options = null)
    {
        Services.RemoveAll<IMessageStore>();
        Services.RemoveAll<ISqlMessageStore>();
        Services.RemoveAll<ISqlUnitOfWork>();
        Services.RemoveAll<StoreOptions>();
        Services.AddSingleton(factory);
        Services.AddSingleton(options ?? new StoreOptions());
        return this;
    }

    /// <summary>
    /// Sets a store with a database (see <see cref="UseStore"/>), whose units of work take the handler's own SQL:
    /// handlers of transactional endpoints can then take <see cref="ISqlUnitOfWork"/>. Providers wrap this in
    /// <c>UseSqliteStore</c> and <c>UsePostgreSqlStore</c>.
    /// </summary>
    public SwitchboardBuilder UseSqlStore(Func<IServiceProvider, ISqlMessageStore> factory, StoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        UseStore(factory, options);
        Services.AddSingleton(sp => (ISqlMessageStore)sp.GetRequiredService<IMessageStore>());
        Services.AddScoped<ISqlUnitOfWork>(sp => new SqlUnitOfWork(sp.GetRequiredService<UnitOfWork>()));
        return this;
    }

    /// <summary>
    /// Sets the event store: one singleton, registered as <see cref="EventSourcing.IEventStore"/> and as each of its
    /// contracts (<see cref="EventSourcing.IEventStoreReader"/>, <see cref="EventSourcing.IEventStoreWriter"/>,
    /// <see cref="EventSourcing.ICheckpointStore"/>, <see cref="EventSourcing.ISnapshotStore"/>), so that a service asks
    /// for the one it uses. Providers wrap this in <c>UseInMemoryEventStore</c>, <c>UseSqliteEventStore</c>,
    /// <c>UsePostgreSqlEventStore</c>. It is initialized (its schema) at start-up, before subscriptions and projections run.
    /// </summary>
    public SwitchboardBuilder UseEventStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class, EventSourcing.IEventStore, EventSourcing.ICheckpointStore, EventSourcing.ISnapshotStore
    {
        ArgumentNullException.ThrowIfNull(factory);
        EventStoreRegistration.Register(Services, factory);
        return this;
    }

    /// <summary>
    /// Runs <paramref name="work"/> when the bus starts, after its transport is connected and its store initialized and
    /// before any endpoint consumes: the application's own start-up work that its handlers need, such as creating its
    /// tables or seeding data. Works run one after the other, in the order registered. Each must be safe to run again:
    /// when one fails because a server cannot be reached, the bus's start goes on in the background and runs it again
    /// (see <see cref="BusOptions.StartRetryDelay"/>); a work that succeeded is not run again.
    /// </summary>
    public SwitchboardBuilder BeforeConsuming(Func<IServiceProvider, CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Services.AddSingleton(new BeforeConsumingWork(work));
        return this;
    }

    /// <summary>
    /// Records how every delivery to this bus's endpoints ended (handled, retrying, dead-lettered), with its ids,
    /// endpoint, service, instance, times, attempts and optionally the start of its body, in the audit log of the
    /// bus's store (<see cref="Auditing.IAuditLogStore"/>), in batches, pruned by age and count
    /// (<see cref="Auditing.AuditOptions"/>): the <see cref="Pipeline.StepNames.Audit"/> step, just inside
    /// <see cref="Pipeline.StepNames.Acknowledge"/>. The log is then available as <see cref="Auditing.IAuditLog"/>;
    /// <see cref="Auditing.MessageFlow"/> reads one conversation from it. Calling it again replaces the options.
    /// </summary>
    /// <remarks>
    /// The bus fails to start when it has no store, or a store that keeps no audit log. Records are written after the
    /// message is settled, not in its unit of work: a process that dies loses the records it had not written yet
    /// (at most <see cref="Auditing.AuditOptions.BufferCapacity"/>), never a message.
    /// </remarks>
    public SwitchboardBuilder UseAudit(Func<Auditing.AuditOptions, Auditing.AuditOptions>? configure = null)
    {
        var options = configure?.Invoke(new Auditing.AuditOptions()) ?? new Auditing.AuditOptions();
        options.Validate();
        var first = !Services.Any(d => d.ServiceType == typeof(Auditing.AuditOptions));
        Services.RemoveAll<Auditing.AuditOptions>();
        Services.AddSingleton(options);
        if (first)
        {
            Services.AddSingleton<Auditing.IAuditLog>(services => services.GetService<IMessageStore>() switch
            {
                Auditing.IAuditLogStore store => store.AuditLog,
                null => throw new InvalidOperationException("Audit writes to the bus's store, and the bus has none: call UseInMemoryStore(), UseSqliteStore() or UsePostgreSqlStore(...) too."),
                var store => throw new InvalidOperationException($"Audit writes to the bus's store, and the store '{store.Name}' keeps no audit log (it is not an {nameof(Auditing.IAuditLogStore)})."),
            });
            Services.AddSingleton(services => new Auditing.AuditWriter(
                services.GetRequiredService<Auditing.IAuditLog>(),
                services.GetRequiredService<Auditing.AuditOptions>(),
                services.GetRequiredService<TimeProvider>(),
                services.Loggers().CreateLogger("Switchboard.Audit")));
        }

        return this;
    }

    /// <summary>Replaces the JSON serializer.</summary>
    public SwitchboardBuilder UseSerializer(Func<BusOptions, IMessageSerializer> factory)
    {
        _serializer = factory;
        return this;
    }

    /// <summary>Changes bus-wide settings.</summary>
    public SwitchboardBuilder Configure(Func<BusOptions, BusOptions> change)
    {
        _options = change(_options);
        return this;
    }

    /// <summary>
    /// Sets the thresholds of Switchboard's flow health checks (outbox age, dead-letter growth, subscription lag);
    /// see <see cref="SwitchboardHealthOptions"/> for the defaults.
    /// </summary>
    public SwitchboardBuilder ConfigureHealth(Func<SwitchboardHealthOptions, SwitchboardHealthOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = Services.LastOrDefault(d => d.ServiceType == typeof(SwitchboardHealthOptions))?.ImplementationInstance as SwitchboardHealthOptions;
        var options = change(current ?? new SwitchboardHealthOptions());
        options.Validate();
        Services.RemoveAll<SwitchboardHealthOptions>();
        Services.AddSingleton(options);
        return this;
    }

    /// <summary>Changes the receive pipeline of every endpoint (before endpoint-specific changes).</summary>
    public SwitchboardBuilder ConfigurePipeline(Action<ReceivePipelineBuilder> change)
    {
        _pipelineChanges.Add(change);
        return this;
    }

    internal BusConfiguration Build()
    {
        if (_transport is null)
        {
            throw new InvalidOperationException("No transport is configured. Call UseInMemory(...), UseSqlite(...) or UseRabbitMq(...).");
        }

        if (Configuration is not null)
        {
            ApplyConfiguration(Configuration);
        }

        var registry = new MessageTypeRegistry(_messages, _upcasters);
        var endpoints = _endpoints.ConvertAll(e => e.Build(registry, _pipelineChanges));
        foreach (var type in _routes.Keys.Concat(_publications).Concat(_orderingKeys.Types))
        {
            registry.GetName(type);
        }

        return new BusConfiguration(registry, new Dictionary<Type, string>(_routes), endpoints, _options, _serializer(_options), _transport)
        {
            Publications = new HashSet<Type>(_publications),
            OrderingKeys = _orderingKeys,
        };
    }

    private void ApplyConfiguration(IConfigurationSection section)
    {
        var bus = section.GetSection("Bus");
        _options = ConfigurationOverlay.Apply(_options, bus, o => o with { });
        ConfigurationOverlay.ThrowIfAny(bus, typeof(BusOptions), OptionRules.Of(_options, bus.Path));

        var store = section.GetSection("Store");
        if (store.Exists())
        {
            var current = Services.LastOrDefault(d => d.ServiceType == typeof(StoreOptions))?.ImplementationInstance as StoreOptions
                ?? throw new InvalidOperationException($"{store.Path} configures the store, and the bus has none: call UseInMemoryStore(), UseSqliteStore() or UsePostgreSqlStore(...) too.");
            var bound = ConfigurationOverlay.Apply(current, store, o => o with { });
            ConfigurationOverlay.ThrowIfAny(store, typeof(StoreOptions), OptionRules.Of(bound, store.Path));
            Services.RemoveAll<StoreOptions>();
            Services.AddSingleton(bound);
        }

        var health = section.GetSection("Health");
        if (health.Exists())
        {
            ConfigureHealth(current =>
            {
                var bound = ConfigurationOverlay.Apply(current, health, o => o with { });
                try
                {
                    bound.Validate();
                }
                catch (ArgumentOutOfRangeException e)
                {
                    ConfigurationOverlay.ThrowIfAny(health, typeof(SwitchboardHealthOptions), [$"{health.Path}:{e.ParamName}: {e.Message}"]);
                }

                return bound;
            });
        }

        var endpoints = section.GetSection("Endpoints");
        var unknown = endpoints.GetChildren().Select(c => c.Key).Where(k => !_endpoints.Exists(e => e.Queue == k)).ToList();
        ConfigurationOverlay.ThrowIfAny(endpoints, typeof(EndpointOptions), unknown.Select(k =>
            $"{endpoints.Path}:{k} names no endpoint of this bus (its endpoints: {string.Join(", ", _endpoints.Select(e => e.Queue))})."));
        foreach (var endpoint in _endpoints)
        {
            endpoint.ApplyConfiguration(section.GetSection("EndpointDefaults"));
            endpoint.ApplyConfiguration(endpoints.GetSection(endpoint.Queue));
        }
    }
}
