using System.Collections.Frozen;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Messages;
using Switchboard.Operations;
using Switchboard.Persistence;
using Switchboard.Pipeline;

namespace Switchboard.Configuration;

/// <summary>Configures one receive endpoint: its handlers, concurrency, prefetch, retries and pipeline.</summary>
public sealed class EndpointBuilder
{
    private readonly IServiceCollection _services;
    private readonly List<(Type MessageType, HandlerInvoker Invoker, bool Subscribe)> _handlers = [];
    private readonly List<Action<ReceivePipelineBuilder>> _pipelineChanges = [];
    private readonly OrderingKeys _orderingKeys;
    private EndpointOptions _options = new();
    private bool _ordered;

    internal EndpointBuilder(string queue, IServiceCollection services, OrderingKeys orderingKeys)
    {
        Queue = queue;
        _services = services;
        _orderingKeys = orderingKeys;
    }

    /// <summary>The endpoint's queue name.</summary>
    public string Queue { get; }

    /// <summary>
    /// Handles <typeparamref name="TMessage"/> with <typeparamref name="THandler"/>, registered as transient: each
    /// attempt resolves a new instance from its own scope, whose scoped services it shares.
    /// The endpoint subscribes to the message type's topic, so it receives published copies as well as sends.
    /// </summary>
    public EndpointBuilder Handle<TMessage, THandler>(bool subscribe = true)
        where TMessage : notnull
        where THandler : class, IMessageHandler<TMessage>
    {
        _services.TryAddTransient<THandler>();
        return AddHandler(typeof(TMessage), Invoke<TMessage, THandler>, subscribe);
    }

    /// <summary>
    /// Runs the saga <typeparamref name="TSaga"/> (registered as transient) with state <typeparamref name="TState"/>
    /// under <paramref name="name"/>, which identifies its instances in the store: keep it stable. Makes the endpoint
    /// transactional (<see cref="Transactional"/>); the bus needs a store.
    /// </summary>
    public EndpointBuilder Saga<TSaga, TState>(string name, Action<SagaBuilder<TSaga, TState>> configure)
        where TSaga : class
        where TState : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _services.TryAddTransient<TSaga>();
        _services.AddSingleton(SagaDescriptor.ForState<TState>(name, Queue));
        configure(new SagaBuilder<TSaga, TState>(this, name));
        return _options.Transactional is null ? Transactional() : this;
    }

    /// <summary>
    /// Runs the event-sourced saga <typeparamref name="TSaga"/> (registered as transient), whose state is aggregate
    /// <typeparamref name="TAggregate"/>: each message loads the aggregate of its key, the saga runs commands on it, and
    /// the events it raised are appended in the message's unit of work, together with the inbox record and what the saga
    /// sent. Makes the endpoint transactional (<see cref="Transactional"/>); the bus needs a store and event sourcing on
    /// an event store in the same database.
    /// </summary>
    public EndpointBuilder EventSourcedSaga<TSaga, TAggregate>(Action<EventSourcedSagaBuilder<TSaga, TAggregate>> configure)
        where TSaga : class
        where TAggregate : class, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        _services.TryAddTransient<TSaga>();
        _services.AddSingleton(SagaDescriptor.ForAggregate<TSaga, TAggregate>(Queue));
        configure(new EventSourcedSagaBuilder<TSaga, TAggregate>(this));
        return _options.Transactional is null ? Transactional() : this;
    }

    /// <summary>
    /// Handles every message in a unit of work of the bus's store: the handlers' own database changes (through
    /// <see cref="ISqlUnitOfWork"/> on a store with a database), saga state, the inbox record and the messages they send commit together, and a
    /// redelivered message is acknowledged without running the handlers again.
    /// </summary>
    public EndpointBuilder Transactional(Func<TransactionalOptions, TransactionalOptions>? change = null)
    {
        var options = _options.Transactional ?? new TransactionalOptions();
        _options = _options with { Transactional = change is null ? options : change(options) };
        return this;
    }

    internal EndpointBuilder AddHandler(Type messageType, HandlerInvoker invoker, bool subscribe)
    {
        _handlers.Add((messageType, invoker, subscribe));
        return this;
    }

    /// <summary>
    /// Orders this endpoint by <paramref name="key"/>: messages with the same key are handled one at a time, in the order
    /// they were sent, across every instance of the endpoint; different keys run in parallel. The key is the invariant
    /// text of what <paramref name="key"/> returns (null or empty: no key, handled unordered). The bus also stamps it on
    /// every <typeparamref name="TMessage"/> it sends, as <see cref="SwitchboardBuilder.OrderingKey{TMessage}"/> does; a
    /// service that sends <typeparamref name="TMessage"/> here without running this endpoint gives that. A message whose
    /// handling fails for good is dead-lettered and parks its key until it is re-driven or deleted. Needs a transport that
    /// keeps order (<see cref="Transport.IOrderedTransport"/>). See docs/ordering.md.
    /// </summary>
    public EndpointBuilder OrderedBy<TMessage>(Func<TMessage, object?> key)
        where TMessage : notnull
    {
        _orderingKeys.Add(key, $"OrderedBy<{typeof(TMessage).Name}> on endpoint '{Queue}'");
        return Ordered();
    }

    /// <summary>
    /// Orders this endpoint by the ordering keys its messages carry (<see cref="HeaderNames.OrderingKey"/>), as given
    /// by <see cref="SwitchboardBuilder.OrderingKey{TMessage}"/>, another endpoint's <see cref="OrderedBy{TMessage}"/>, or
    /// the sender's options. See <see cref="OrderedBy{TMessage}"/>.
    /// </summary>
    public EndpointBuilder Ordered()
    {
        _ordered = true;
        return this;
    }

    /// <summary>How many messages this endpoint instance handles at once.</summary>
    public EndpointBuilder Concurrency(int concurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        _options = _options with { Concurrency = concurrency };
        return this;
    }

    /// <summary>How many messages may be finishing (commit, dispatch, acknowledgement) after their handlers returned, on top of <see cref="Concurrency"/>.</summary>
    public EndpointBuilder PendingSettlements(int pending)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pending);
        _options = _options with { PendingSettlements = pending };
        return this;
    }

    /// <summary>How many unsettled messages the transport may hand this instance ahead of its handlers (default 16 per handler slot; see <see cref="EndpointOptions.Prefetch"/>).</summary>
    public EndpointBuilder Prefetch(int prefetch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        _options = _options with { Prefetch = prefetch };
        return this;
    }

    /// <summary>How the messages this endpoint's handlers send and publish are written (default: the bus's <see cref="BusOptions.WireFormat"/>).</summary>
    public EndpointBuilder WireFormat(WireFormat format)
    {
        _options = _options with { WireFormat = format };
        return this;
    }

    /// <summary>Sets the retry policy.</summary>
    public EndpointBuilder Retry(RetryPolicy policy)
    {
        _options = _options with { Retry = policy };
        return this;
    }

    /// <summary>Changes this endpoint's receive pipeline (after the bus-wide changes).</summary>
    public EndpointBuilder ConfigurePipeline(Action<ReceivePipelineBuilder> change)
    {
        _pipelineChanges.Add(change);
        return this;
    }

    /// <summary>The keys an endpoint's configuration section may have.</summary>
    internal static readonly string[] ConfigurableKeys = [nameof(EndpointOptions.Concurrency), nameof(EndpointOptions.Prefetch), nameof(EndpointOptions.PendingSettlements), nameof(EndpointOptions.Retry), nameof(EndpointOptions.WireFormat)];

    /// <summary>Applies a configuration section over the settings the code chose, and checks the result.</summary>
    internal void ApplyConfiguration(IConfigurationSection section)
    {
        _options = ConfigurationOverlay.Apply(_options, section, o => o with { Retry = o.Retry with { } }, ConfigurableKeys);
        ConfigurationOverlay.ThrowIfAny(section, typeof(EndpointOptions), OptionRules.Of(_options, section.Path));
    }

    internal EndpointDefinition Build(MessageTypeRegistry registry, IEnumerable<Action<ReceivePipelineBuilder>> busWideChanges)
    {
        var handlers = _handlers
            .GroupBy(h => h.MessageType)
            .ToDictionary(g => g.Key, g => g.Select(h => h.Invoker).ToArray());
        var subscribed = _handlers.Where(h => h.Subscribe).Select(h => h.MessageType).Distinct().ToList();
        // An old name that this endpoint reads as a type it subscribes to is subscribed to as well: producers not yet
        // upgraded still publish under it during a rolling deploy.
        var upcast = registry.Upcasts.Keys
            .Where(name => registry.DeliveredAs(name, handlers.ContainsKey) is { } type && subscribed.Contains(type))
            .Order(StringComparer.Ordinal);
        var topics = subscribed.Select(registry.GetName).Concat(upcast).Distinct(StringComparer.Ordinal).ToArray();
        return new EndpointDefinition(Queue, _options, handlers.ToFrozenDictionary(), topics, [.. busWideChanges, .. _pipelineChanges]) { Ordered = _ordered };
    }

    private static ValueTask Invoke<TMessage, THandler>(IServiceProvider scope, object message, IMessageContext context, CancellationToken cancellationToken)
        where TMessage : notnull
        where THandler : class, IMessageHandler<TMessage> =>
        scope.GetRequiredService<THandler>().HandleAsync((TMessage)message, context, cancellationToken);
}
