using System.Text.Json;
using Shop.Contracts;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Shipping;

/// <summary>Keeps the order's shipping address and ship-by deadline (event-carried state), once per order.</summary>
internal sealed class OrderCreatedHandler(ISqlUnitOfWork unitOfWork, TimeProvider time) : IMessageHandler<OrderCreated>
{
    public ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken) =>
        unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "INSERT INTO shipping_orders (order_id, address, created, ship_by) VALUES (@p0, @p1, @p2, @p3) ON CONFLICT (order_id) DO NOTHING",
                message.OrderId.ToString(),
                JsonSerializer.Serialize(message.ShippingAddress),
                time.GetUtcNow().ToUnixTimeMilliseconds(),
                message.ShipBy?.ToUnixTimeMilliseconds()),
            cancellationToken);
}
