using Switchboard.Configuration;

namespace Switchboard.Conformance.Stores;

/// <summary>Advances a <see cref="CounterSaga"/> (and starts it when there is none for the key).</summary>
/// <param name="Key">The saga key.</param>
/// <param name="Number">Recorded in the state, to tell lost or doubled updates apart.</param>
public sealed record CountTick(string Key, int Number);

/// <summary>Starts a <see cref="TimerSaga"/>, which requests a <see cref="TimerElapsed"/> timeout.</summary>
/// <param name="Key">The saga key.</param>
/// <param name="DelayMilliseconds">The timeout's delay.</param>
/// <param name="CompleteNow">Completes the saga in the same unit of work, so that the timeout arrives late.</param>
public sealed record StartTimer(string Key, int DelayMilliseconds, bool CompleteNow);

/// <summary>The timeout a <see cref="TimerSaga"/> requests.</summary>
/// <param name="Key">The saga key.</param>
public sealed record TimerElapsed(string Key);

/// <summary>Starts a <see cref="TicketSaga"/>.</summary>
/// <param name="Key">The saga key.</param>
public sealed record OpenTicket(string Key);

/// <summary>Advances a <see cref="TicketSaga"/>; never starts one.</summary>
/// <param name="Key">The saga key.</param>
public sealed record UpdateTicket(string Key);

/// <summary>Starts an <see cref="OrderSaga"/>.</summary>
/// <param name="OrderId">The saga key.</param>
/// <param name="DeclineCard">The payment step fails.</param>
/// <param name="FailShipment">The shipping step fails.</param>
public sealed record PlaceOrder(string OrderId, bool DeclineCard, bool FailShipment);

/// <summary>Order step 1.</summary>
/// <param name="OrderId">The order.</param>
public sealed record ReserveStock(string OrderId);

/// <summary>Order step 1 done.</summary>
/// <param name="OrderId">The order.</param>
public sealed record StockReserved(string OrderId);

/// <summary>Order step 2.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Decline">The payment participant declines it.</param>
public sealed record ChargeCard(string OrderId, bool Decline);

/// <summary>Order step 2 done.</summary>
/// <param name="OrderId">The order.</param>
public sealed record CardCharged(string OrderId);

/// <summary>Order step 2 failed.</summary>
/// <param name="OrderId">The order.</param>
public sealed record CardDeclined(string OrderId);

/// <summary>Order step 3.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Fail">The shipping participant fails it.</param>
public sealed record BookShipment(string OrderId, bool Fail);

/// <summary>Order step 3 done.</summary>
/// <param name="OrderId">The order.</param>
public sealed record ShipmentBooked(string OrderId);

/// <summary>Order step 3 failed.</summary>
/// <param name="OrderId">The order.</param>
public sealed record ShipmentFailed(string OrderId);

/// <summary>Compensates step 1.</summary>
/// <param name="OrderId">The order.</param>
public sealed record ReleaseStock(string OrderId);

/// <summary>Compensates step 2.</summary>
/// <param name="OrderId">The order.</param>
public sealed record RefundCard(string OrderId);

/// <summary>Compensates step 3.</summary>
/// <param name="OrderId">The order.</param>
public sealed record CancelShipment(string OrderId);

/// <summary>Makes <see cref="LedgerHandler"/> insert a row into the handler's own table.</summary>
/// <param name="Id">The row id.</param>
/// <param name="Value">The row value.</param>
/// <param name="Fail">The handler throws after writing and sending.</param>
public sealed record WriteLedgerRow(string Id, long Value, bool Fail);

/// <summary>What <see cref="LedgerHandler"/> sends after writing its row.</summary>
/// <param name="Id">The row id.</param>
/// <param name="Value">The row value.</param>
public sealed record LedgerRowWritten(string Id, long Value);

/// <summary>Registers the store suites' message types.</summary>
public static class StoreTestMessageNames
{
    /// <summary>Wire name of <see cref="TimerElapsed"/>.</summary>
    public const string TimerElapsed = "test.store.timer-elapsed.v1";

    /// <summary>Wire name of <see cref="UpdateTicket"/>.</summary>
    public const string UpdateTicket = "test.store.update-ticket.v1";

    /// <summary>Registers all store test message types on the builder.</summary>
    public static SwitchboardBuilder AddStoreTestMessages(this SwitchboardBuilder builder) => builder
        .Message<CountTick>("test.store.count-tick.v1")
        .Message<StartTimer>("test.store.start-timer.v1")
        .Message<TimerElapsed>(TimerElapsed)
        .Message<OpenTicket>("test.store.open-ticket.v1")
        .Message<UpdateTicket>(UpdateTicket)
        .Message<PlaceOrder>("test.store.place-order.v1")
        .Message<ReserveStock>("test.store.reserve-stock.v1")
        .Message<StockReserved>("test.store.stock-reserved.v1")
        .Message<ChargeCard>("test.store.charge-card.v1")
        .Message<CardCharged>("test.store.card-charged.v1")
        .Message<CardDeclined>("test.store.card-declined.v1")
        .Message<BookShipment>("test.store.book-shipment.v1")
        .Message<ShipmentBooked>("test.store.shipment-booked.v1")
        .Message<ShipmentFailed>("test.store.shipment-failed.v1")
        .Message<ReleaseStock>("test.store.release-stock.v1")
        .Message<RefundCard>("test.store.refund-card.v1")
        .Message<CancelShipment>("test.store.cancel-shipment.v1")
        .Message<WriteLedgerRow>("test.store.write-ledger-row.v1")
        .Message<IncrementCounter>("test.store.increment-counter.v1")
        .Message<LedgerRowWritten>("test.store.ledger-row-written.v1");
}

/// <summary>Makes <see cref="CounterHandler"/> add one to a counter row of the handler's own table.</summary>
/// <param name="Id">The counter's row id.</param>
public sealed record IncrementCounter(string Id);
