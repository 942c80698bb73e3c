using System.Text.Json;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>Keeps the order's shipping address (event-carried state), once per order.</summary>
internal sealed class OrderCreatedHandler(IUnitOfWork unitOfWork, TimeProvider time) : IMessageHandler<OrderCreated>
{
    public async ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var address = JsonSerializer.Serialize(message.ShippingAddress);
        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken);
        await using var command = transaction.Connection!.Command(
            transaction,
            "INSERT INTO shipping_orders (order_id, address, created) VALUES (@p0, @p1, @p2) ON CONFLICT (order_id) DO NOTHING",
            message.OrderId.ToString(),
            address,
            time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
