using Switchboard;

namespace QuickStart;

/// <summary>Orders endpoint: accepts the command and announces the fact.</summary>
public sealed class PlaceOrderHandler(Journal journal) : IMessageHandler<PlaceOrder>
{
    public async ValueTask HandleAsync(PlaceOrder message, IMessageContext context, CancellationToken cancellationToken)
    {
        journal.Write("orders", $"placing order {message.OrderId:N} for {message.Customer} (${message.Amount:0.00})");
        await context.PublishAsync(new OrderPlaced(message.OrderId, message.Customer, message.Amount), cancellationToken: cancellationToken);
    }
}

/// <summary>Payments endpoint: reacts to the event by sending itself a command. Declines amounts over 1,000.</summary>
public sealed class PaymentsHandler(Journal journal) : IMessageHandler<OrderPlaced>, IMessageHandler<ChargeCard>
{
    public ValueTask HandleAsync(OrderPlaced message, IMessageContext context, CancellationToken cancellationToken) =>
        context.SendAsync(new ChargeCard(message.OrderId, message.Amount), SendOptions.To("payments"), cancellationToken);

    public ValueTask HandleAsync(ChargeCard message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (message.Amount > 1000)
        {
            journal.Write("payments", $"card declined for {message.OrderId:N} (attempt {context.DeliveryCount}, delayed retries so far: {context.Headers.GetValueOrDefault("sb-delayed-retries", "0")})");
            throw new InvalidOperationException($"Card declined: ${message.Amount:0.00} is over the limit");
        }

        journal.Write("payments", $"charged ${message.Amount:0.00} for {message.OrderId:N} (correlation {context.CorrelationId}, caused by {context.Envelope.CausationId})");
        return ValueTask.CompletedTask;
    }
}

/// <summary>Notifications endpoint: a second subscriber of the same event.</summary>
public sealed class NotifyCustomerHandler(Journal journal) : IMessageHandler<OrderPlaced>
{
    public ValueTask HandleAsync(OrderPlaced message, IMessageContext context, CancellationToken cancellationToken)
    {
        journal.Write("notifications", $"emailing {message.Customer}: order {message.OrderId:N} received");
        return ValueTask.CompletedTask;
    }
}
