using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Aggregates;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Transport;

namespace Switchboard.Operations;

/// <summary>
/// A saga configured in this process (registered in the container by <c>Saga</c> and <c>EventSourcedSaga</c>), which an
/// operator can look up by key: a saga's state row, or an event-sourced saga's stream.
/// </summary>
public sealed class SagaDescriptor
{
    /// <summary>The most events of one stream <see cref="FindAsync"/> returns (the newest ones).</summary>
    public const int MaxEvents = 500;

    /// <summary>How many of its endpoint's scheduled messages (the soonest) <see cref="FindAsync"/> looks through for an instance's timeouts.</summary>
    public const int MaxScheduledScanned = 10_000;

    private readonly Func<IServiceProvider, string, CancellationToken, ValueTask<SagaInstance?>> _find;

    private SagaDescriptor(string name, string endpoint, string stateType, bool eventSourced, Func<IServiceProvider, string, CancellationToken, ValueTask<SagaInstance?>> find)
    {
        Name = name;
        Endpoint = endpoint;
        StateType = stateType;
        EventSourced = eventSourced;
        _find = find;
    }

    /// <summary>The saga's name: the store's name of its instances, or the saga class's name for an event-sourced one.</summary>
    public string Name { get; }

    /// <summary>The endpoint that runs it.</summary>
    public string Endpoint { get; }

    /// <summary>The name of its state (or aggregate) type.</summary>
    public string StateType { get; }

    /// <summary>Whether its state is an aggregate's stream of events rather than a state row.</summary>
    public bool EventSourced { get; }

    /// <summary>
    /// The instance of <paramref name="key"/>, read outside any handler's transaction, with its pending timeouts when the
    /// transport can list scheduled messages (<see cref="IScheduledMessages"/>); null when there is no such instance.
    /// </summary>
    public async ValueTask<SagaInstance?> FindAsync(IServiceProvider services, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var instance = await _find(services, key, cancellationToken).ConfigureAwait(false);
        return instance is null ? null : instance with { PendingTimeouts = await PendingTimeoutsAsync(services, key, cancellationToken).ConfigureAwait(false) };
    }

    // The timeouts the instance requested that its endpoint's queue still holds (RequestTimeoutAsync marks them); null
    // when the transport cannot list scheduled messages, or cannot now (not connected).
    private async ValueTask<IReadOnlyList<PendingTimeout>?> PendingTimeoutsAsync(IServiceProvider services, string key, CancellationToken cancellationToken)
    {
        if (services.GetService<ITransport>() is not IScheduledMessages transport)
        {
            return null;
        }

        IReadOnlyList<ScheduledMessage> scheduled;
        try
        {
            scheduled = await transport.ListScheduledAsync(Endpoint, MaxScheduledScanned, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TransportUnavailableException)
        {
            return null;
        }

        return [.. scheduled
            .Where(m => m.Envelope.Headers.TryGetValue(HeaderNames.Saga, out var saga) && saga == Name
                && m.Envelope.Headers.TryGetValue(HeaderNames.SagaKey, out var owner) && owner == key)
            .Select(m => new PendingTimeout(m.Envelope.MessageId, m.Envelope.MessageType, m.DueAt))];
    }

    internal static SagaDescriptor ForState<TState>(string name, string endpoint) =>
        new(name, endpoint, typeof(TState).Name, eventSourced: false, async (services, key, cancellationToken) =>
        {
            var store = services.GetRequiredService<IMessageStore>();
            await using var transaction = await store.BeginAsync(cancellationToken).ConfigureAwait(false);
            var record = await transaction.LoadSagaAsync(name, key, cancellationToken).ConfigureAwait(false);
            return record is null ? null : new SagaInstance(name, key, record.Version, record.Completed, record.State, []);
        });

    internal static SagaDescriptor ForAggregate<TSaga, TAggregate>(string endpoint) =>
        new(typeof(TSaga).Name, endpoint, typeof(TAggregate).Name, eventSourced: true, async (services, key, cancellationToken) =>
        {
            var stream = services.GetRequiredService<AggregateRepository>().StreamOf<TAggregate>(key);
            var events = await services.GetRequiredService<IEventStoreReader>()
                .ReadStreamAsync(stream, long.MaxValue, ReadDirection.Backwards, MaxEvents, cancellationToken).ConfigureAwait(false);
            if (events.Count == 0)
            {
                return null;
            }

            return new SagaInstance(typeof(TSaga).Name, key, events[0].StreamVersion, Completed: null, State: null,
                [.. events.Reverse().Select(e => new SagaEvent(e.StreamVersion, e.Type, e.Created, Encoding.UTF8.GetString(e.Data.Span)))]);
        });
}

/// <summary>One saga instance as stored.</summary>
/// <param name="Saga">The saga's name.</param>
/// <param name="Key">Its correlation key.</param>
/// <param name="Version">Its version (an event-sourced saga's: its stream's).</param>
/// <param name="Completed">Whether it completed; null for an event-sourced saga, whose aggregate alone knows.</param>
/// <param name="State">Its state as stored (JSON); null for an event-sourced saga.</param>
/// <param name="Events">An event-sourced saga's events, oldest first (the newest <see cref="SagaDescriptor.MaxEvents"/>).</param>
public sealed record SagaInstance(string Saga, string Key, long Version, bool? Completed, string? State, IReadOnlyList<SagaEvent> Events)
{
    /// <summary>
    /// The timeouts it requested that are not due yet, the soonest first; null when the transport cannot list scheduled
    /// messages (RabbitMQ), which is not the same as none.
    /// </summary>
    public IReadOnlyList<PendingTimeout>? PendingTimeouts { get; init; }
}

/// <summary>A timeout a saga instance requested, waiting in its endpoint's queue.</summary>
/// <param name="MessageId">The timeout message's id.</param>
/// <param name="MessageType">Its type name.</param>
/// <param name="DueAt">When it will be delivered.</param>
public sealed record PendingTimeout(string MessageId, string MessageType, DateTimeOffset DueAt);

/// <summary>One event of an event-sourced saga's stream.</summary>
/// <param name="Version">Its version in the stream.</param>
/// <param name="Type">Its type name.</param>
/// <param name="RecordedAt">When it was appended.</param>
/// <param name="Data">Its data (JSON).</param>
public sealed record SagaEvent(long Version, string Type, DateTimeOffset RecordedAt, string Data);
