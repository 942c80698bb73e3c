using System.Text.Json;
using Shop.Contracts;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>Keeps the order's shipping address (event-carried state), once per order.</summary>
internal sealed class OrderCreatedHandler(IUnitOfWork unitOfWork, TimeProvider time) : IMessageHandler<OrderCreated>
{
    public ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken) =>
        unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "INSERT INTO shipping_orders (order_id, address, created) VALUES (@p0, @p1, @p2) ON CONFLICT (order_id) DO NOTHING",
                message.OrderId.ToString(),
                JsonSerializer.Serialize(message.ShippingAddress),
                time.GetUtcNow().ToUnixTimeMilliseconds()),
            cancellationToken);
}
