using System.Collections.Concurrent;
using Shop.Contracts;
using Switchboard;
using Switchboard.Configuration;

namespace Shop.Invariants;

/// <summary>
/// Every Shop event an audit endpoint received, once per message id (a redelivered copy of the same message is not a
/// second event; a second message about the same fact is). What the invariant check reads.
/// </summary>
public sealed class EventLedger
{
    private readonly ConcurrentDictionary<string, object> _byMessageId = new(StringComparer.Ordinal);

    /// <summary>Every distinct event received.</summary>
    public IReadOnlyCollection<object> Events => (IReadOnlyCollection<object>)_byMessageId.Values;

    /// <summary>How many distinct events were received.</summary>
    public int Count => _byMessageId.Count;

    /// <summary>Records <paramref name="message"/> under its message id.</summary>
    public void Record(string messageId, object message) => _byMessageId.TryAdd(messageId, message);

    /// <summary>The distinct events of type <typeparamref name="T"/>.</summary>
    public IEnumerable<T> Of<T>() => _byMessageId.Values.OfType<T>();

    /// <summary>The distinct events of type <typeparamref name="T"/>, each with the message id it was received under (to redeliver one in a test).</summary>
    public IEnumerable<KeyValuePair<string, T>> WithMessageIds<T>() =>
        _byMessageId.Where(e => e.Value is T).Select(e => new KeyValuePair<string, T>(e.Key, (T)e.Value));
}

/// <summary>The audit endpoint that feeds an <see cref="EventLedger"/>: subscribes to every Shop event.</summary>
public static class EventLedgerEndpoint
{
    /// <summary>Declares the endpoint <paramref name="queue"/> recording every Shop event into the ledger registered in the container.</summary>
    public static SwitchboardBuilder AddEventLedger(this SwitchboardBuilder bus, EventLedger ledger, string queue = "audit")
    {
        ArgumentNullException.ThrowIfNull(bus);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(bus.Services, ledger);
        return bus.Endpoint(queue, e => e
            .Handle<OrderCreated, Recorder<OrderCreated>>()
            .Handle<PaymentProcessed, Recorder<PaymentProcessed>>()
            .Handle<PaymentFailed, Recorder<PaymentFailed>>()
            .Handle<PaymentRefunded, Recorder<PaymentRefunded>>()
            .Handle<InventoryUpdated, Recorder<InventoryUpdated>>()
            .Handle<InventoryUpdateFailed, Recorder<InventoryUpdateFailed>>()
            .Handle<OrderShipped, Recorder<OrderShipped>>()
            .Handle<ShipmentCancelled, Recorder<ShipmentCancelled>>()
            .Handle<OrderCompleted, Recorder<OrderCompleted>>()
            .Handle<OrderFailed, Recorder<OrderFailed>>()
            .Handle<OrderCancelled, Recorder<OrderCancelled>>());
    }

    private sealed class Recorder<T>(EventLedger ledger) : IMessageHandler<T>
        where T : notnull
    {
        public ValueTask HandleAsync(T message, IMessageContext context, CancellationToken cancellationToken)
        {
            ledger.Record(context.MessageId, message);
            return ValueTask.CompletedTask;
        }
    }
}
