using System.Globalization;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Notification;

/// <summary>
/// Notifies the customer once per event, keyed by the event's message id: the endpoint's inbox acknowledges a
/// redelivered copy without running this again, and the mailbox's primary key makes a second write a no-op.
/// Only <see cref="OrderCreated"/> says who the customer is; it is kept in <c>notification_customers</c>, and a later
/// event of an order whose <see cref="OrderCreated"/> has not been committed yet throws, to be retried.
/// </summary>
/// <remarks>
/// The customer is looked up on a connection of its own (committed rows: only a committed <see cref="OrderCreated"/>
/// could have written it), the sender is called before anything is written, and the writes are statements of the unit
/// of work, so the handler never holds a transaction: on SQLite a held transaction is the process's one writer.
/// </remarks>
internal sealed class NotificationHandlers(ISqlUnitOfWork unitOfWork, INotificationSender sender, ShopDatabase database, TimeProvider time) :
    IMessageHandler<OrderCreated>,
    IMessageHandler<PaymentProcessed>,
    IMessageHandler<PaymentFailed>,
    IMessageHandler<InventoryUpdateFailed>,
    IMessageHandler<PaymentRefunded>,
    IMessageHandler<OrderShipped>,
    IMessageHandler<ShipmentCancelled>,
    IMessageHandler<OrderCancelled>
{
    public async ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var items = message.Lines.Sum(l => l.Quantity);
        var customer = new Customer(message.CustomerId, message.Email);
        await NotifyAsync(context, "order-created", message.OrderId, customer, "Order received", $"We received your order {message.OrderId} ({items} item(s), {Amount(message.Total, message.Currency)}) and are processing it.", cancellationToken);

        await unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "INSERT INTO notification_customers (order_id, customer_id, email) VALUES (@p0, @p1, @p2) ON CONFLICT (order_id) DO NOTHING",
                message.OrderId.ToString(),
                message.CustomerId,
                message.Email),
            cancellationToken);
    }

    public ValueTask HandleAsync(PaymentProcessed message, IMessageContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, "payment-processed", message.OrderId, "Payment received", $"We charged {Amount(message.Amount, message.Currency)} for your order {message.OrderId} (payment {message.PaymentId}).", cancellationToken);

    public ValueTask HandleAsync(PaymentFailed message, IMessageContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, "payment-failed", message.OrderId, "Payment failed", $"We could not charge your order {message.OrderId}: {message.Reason}. Nothing was charged and the order was not placed.", cancellationToken);

    public ValueTask HandleAsync(InventoryUpdateFailed message, IMessageContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, "inventory-update-failed", message.OrderId, "Order could not be fulfilled", $"Your order {message.OrderId} could not be fulfilled: {message.Reason}. Your payment will be refunded.", cancellationToken);

    public ValueTask HandleAsync(PaymentRefunded message, IMessageContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, "payment-refunded", message.OrderId, "Refund issued", $"We refunded {Amount(message.Amount, message.Currency)} for your order {message.OrderId} ({message.Reason}).", cancellationToken);

    public ValueTask HandleAsync(OrderShipped message, IMessageContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, "order-shipped", message.OrderId, "Order shipped", $"Your order {message.OrderId} is on its way. Tracking number: {message.TrackingNumber}.", cancellationToken);

    public ValueTask HandleAsync(ShipmentCancelled message, IMessageContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, "shipment-cancelled", message.OrderId, "Shipment stopped", $"Your order {message.OrderId} was cancelled, so its shipment was stopped before it left; tracking number {message.ShipmentId} is void.", cancellationToken);

    public ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, "order-cancelled", message.OrderId, "Order cancelled", $"Your order {message.OrderId} was cancelled: {message.Reason}. If you were charged, the payment will be refunded.", cancellationToken);

    private async ValueTask NotifyAsync(IMessageContext context, string kind, Guid orderId, string subject, string body, CancellationToken cancellationToken) =>
        await NotifyAsync(context, kind, orderId, await FindCustomerAsync(orderId, cancellationToken), subject, body, cancellationToken);

    private async ValueTask NotifyAsync(IMessageContext context, string kind, Guid orderId, Customer customer, string subject, string body, CancellationToken cancellationToken)
    {
        var notification = new Notification(context.MessageId + ":" + kind, kind, orderId, customer.Id, customer.Email, subject, body, time.GetUtcNow());
        await sender.SendAsync(notification, cancellationToken);
    }

    private async Task<Customer> FindCustomerAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var find = connection.Command(null, "SELECT customer_id, email FROM notification_customers WHERE order_id = @p0", orderId.ToString());
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new CustomerNotYetKnownException(orderId);
        }

        return new Customer(reader.GetString(0), reader.GetString(1));
    }

    private static string Amount(decimal amount, string currency) => amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + currency;

    private sealed record Customer(string Id, string Email);
}
