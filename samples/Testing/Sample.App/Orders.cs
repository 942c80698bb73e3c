using Switchboard;

namespace Sample.App;

/// <summary>Thrown for an order that can never be placed: retrying it is pointless, so it is dead-lettered at once.</summary>
public sealed class InvalidOrderException(string message) : Exception(message);

/// <summary>The orders endpoint: checks the command and announces the order.</summary>
public sealed class PlaceOrderHandler : IMessageHandler<PlaceOrder>
{
    public ValueTask HandleAsync(PlaceOrder message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (message.Amount <= 0)
        {
            throw new InvalidOrderException($"Order {message.OrderId} has no amount to pay.");
        }

        return context.PublishAsync(new OrderPlaced(message.OrderId, message.Customer, message.Amount), cancellationToken: cancellationToken);
    }
}

/// <summary>The invoices issued; the application would keep them in its database.</summary>
public sealed class InvoiceBook
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, decimal> _invoices = new();

    public void Issue(Guid orderId, decimal amount) => _invoices[orderId] = amount;

    public decimal? Find(Guid orderId) => _invoices.TryGetValue(orderId, out var amount) ? amount : null;
}

/// <summary>The billing endpoint: a subscriber of <see cref="OrderPlaced"/>.</summary>
public sealed class IssueInvoiceHandler(InvoiceBook invoices) : IMessageHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced message, IMessageContext context, CancellationToken cancellationToken)
    {
        invoices.Issue(message.OrderId, message.Amount);
        return ValueTask.CompletedTask;
    }
}
