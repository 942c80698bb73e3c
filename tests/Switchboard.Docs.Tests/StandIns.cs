// The application types the docs assume exist (a reader's own messages and services), so that their snippets compile.
// A snippet (or its page) that declares a type of the same name uses its own: the global namespace wins over imports.
using Switchboard;
using Switchboard.Persistence;

namespace Switchboard.Docs.StandIns;

public sealed record OrderCreated(Guid OrderId, decimal Total);

public sealed record ChargeCard(Guid OrderId, decimal Amount);

public sealed record PaymentProcessed(Guid OrderId, string Sku, int Quantity);

public interface IPaymentGateway
{
    ValueTask<string> ChargeAsync(Guid orderId, decimal amount, CancellationToken cancellationToken);
}

public sealed class ChargeHandler(IPaymentGateway gateway) : IMessageHandler<OrderCreated>, IMessageHandler<ChargeCard>
{
    public async ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken) =>
        await gateway.ChargeAsync(message.OrderId, message.Total, cancellationToken);

    public async ValueTask HandleAsync(ChargeCard message, IMessageContext context, CancellationToken cancellationToken) =>
        await gateway.ChargeAsync(message.OrderId, message.Amount, cancellationToken);
}

/// <summary>Reads committed stock on a connection of its own.</summary>
public sealed class StockReader
{
    public ValueTask<int> AvailableAsync(string sku, CancellationToken cancellationToken) => ValueTask.FromResult(0);
}

/// <summary>Stands for a handler's unit of work in snippets that show a handler's body.</summary>
public static class HandlerScope
{
    public static ISqlUnitOfWork UnitOfWork => null!;
}
