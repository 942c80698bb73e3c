using Shop.Contracts;
using Switchboard.EventSourcing.Aggregates;

namespace Shop.Order.Domain;

/// <summary>
/// An order, event-sourced in stream <c>order-{id}</c>. Its own events (<see cref="OrderPlaced"/>, the milestones and the
/// terminal transitions) change its state; next to them it appends the public contract events
/// (<see cref="OrderCreated"/>, <see cref="OrderCompleted"/>, <see cref="OrderFailed"/>, <see cref="OrderCancelled"/>),
/// which the forwarding subscription publishes with their event ids as message ids: no dual write.
/// Every command is idempotent, and an order reaches exactly one terminal state: a second terminal transition is a no-op.
/// </summary>
public sealed class OrderAggregate : Aggregate<OrderState>
{
    private bool CanProgress => !IsNew && State.Status != OrderStatus.None && !State.IsTerminal;

    private bool Exists => !IsNew && State.Status != OrderStatus.None;

    // Milestones are recorded also after the terminal state (a reply that came late), without changing it, as long as
    // one may still come (OrderState.AwaitsMilestones); after that the order's record is closed to them.
    private bool AcceptsMilestones => Exists && (!State.IsTerminal || State.AwaitsMilestones);

    /// <summary>Places the order (a no-op when it already exists).</summary>
    public void Place(PlaceOrder command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!IsNew || State.Status != OrderStatus.None)
        {
            return;
        }

        var total = command.Lines.Sum(l => l.UnitPrice * l.Quantity);
        Raise(new OrderPlaced(command.OrderId, command.CustomerId, command.Email, command.Lines, total, Catalog.Currency, command.ShippingAddress, command.IdempotencyKey, command.At, OrderRequestFingerprint.Of(command)));
        Raise(new OrderCreated(command.OrderId, command.CustomerId, command.Email, command.Lines, total, Catalog.Currency, command.PaymentToken, command.ShippingAddress, command.At, command.ShipBy));
    }

    /// <summary>Records the charge (once; also when it comes after the terminal state, which it does not change, while the order awaits it).</summary>
    public void RecordPayment(PaymentProcessed payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (AcceptsMilestones && State.PaymentId is null)
        {
            Raise(new OrderMarkedPaid(State.OrderId, payment.PaymentId, payment.Amount, payment.Currency, payment.ProcessedAt));
        }
    }

    /// <summary>Records the stock reservation (once; also when it comes after the terminal state, which it does not change, while the order awaits it).</summary>
    public void RecordReservation(InventoryUpdated reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (AcceptsMilestones && !State.Reserved)
        {
            Raise(new OrderMarkedReserved(State.OrderId, reservation.ReservedAt));
        }
    }

    /// <summary>
    /// Records the shipment (once) and completes the order, unless it already reached a terminal state: then the
    /// shipment is only recorded (Shipping created it before it heard of the cancellation, and voids it).
    /// </summary>
    public void CompleteOnShipment(OrderShipped shipment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        if (AcceptsMilestones && !State.Shipped)
        {
            Raise(new OrderMarkedShipped(State.OrderId, shipment.ShipmentId, shipment.TrackingNumber, shipment.ShippedAt));
        }

        if (CanProgress)
        {
            Raise(new OrderMarkedCompleted(State.OrderId, now));
            Raise(new OrderCompleted(State.OrderId, now));
        }
    }

    /// <summary>Fails the order (unless it already reached a terminal state); <paramref name="afterCharge"/> when it had been charged.</summary>
    public void Fail(string reason, DateTimeOffset now, bool afterCharge = false)
    {
        if (CanProgress)
        {
            Raise(new OrderMarkedFailed(State.OrderId, reason, now, afterCharge));
            Raise(new OrderFailed(State.OrderId, reason, now));
        }
    }

    /// <summary>Cancels the order (unless it already reached a terminal state).</summary>
    public void Cancel(string reason, DateTimeOffset now)
    {
        if (CanProgress)
        {
            Raise(new OrderMarkedCancelled(State.OrderId, reason, now));
            Raise(new OrderCancelled(State.OrderId, reason, now));
        }
    }

    /// <summary>Records a refund of the order's charge (once; also after the terminal state, which it does not change).</summary>
    public void RecordRefund(PaymentRefunded refund)
    {
        ArgumentNullException.ThrowIfNull(refund);
        if (!IsNew && State.Status != OrderStatus.None && !State.Refunded)
        {
            Raise(new OrderMarkedRefunded(State.OrderId, refund.PaymentId, refund.Amount, refund.Currency, refund.Reason, refund.RefundedAt));
        }
    }

    /// <summary>Records that Shipping voided the order's shipment because the order was cancelled (once).</summary>
    public void RecordShipmentCancelled(ShipmentCancelled cancellation)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        if (Exists && !State.ShipmentCancelled)
        {
            Raise(new OrderMarkedShipmentCancelled(State.OrderId, cancellation.ShipmentId, cancellation.Reason, cancellation.CancelledAt));
        }
    }

    /// <inheritdoc />
    protected override OrderState Apply(OrderState state, object @event)
    {
        switch (@event)
        {
            case OrderPlaced placed:
                state.OrderId = placed.OrderId;
                state.CustomerId = placed.CustomerId;
                state.Total = placed.Total;
                state.Currency = placed.Currency;
                state.Status = OrderStatus.Received;
                break;
            case OrderMarkedPaid paid:
                state.PaymentId = paid.PaymentId;
                state.Status = state.IsTerminal ? state.Status : OrderStatus.Paid;
                break;
            case OrderMarkedReserved:
                state.Reserved = true;
                state.Status = state.IsTerminal ? state.Status : OrderStatus.Reserved;
                break;
            case OrderMarkedShipped:
                state.Shipped = true;
                state.Status = state.IsTerminal ? state.Status : OrderStatus.Shipped;
                break;
            case OrderMarkedShipmentCancelled:
                state.ShipmentCancelled = true;
                break;
            case OrderMarkedCompleted:
                state.Status = OrderStatus.Completed;
                break;
            case OrderMarkedFailed failed:
                state.Status = OrderStatus.Failed;
                state.Reason = failed.Reason;
                state.FailedAfterCharge = failed.AfterCharge;
                break;
            case OrderMarkedCancelled cancelled:
                state.Status = OrderStatus.Cancelled;
                state.Reason = cancelled.Reason;
                break;
            case OrderMarkedRefunded:
                state.Refunded = true;
                break;
        }

        // The contract events (OrderCreated, OrderCompleted, ...) repeat what the events above recorded.
        return state;
    }
}
