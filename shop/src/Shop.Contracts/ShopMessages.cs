using Switchboard.Configuration;

namespace Shop.Contracts;

/// <summary>
/// The stable wire names of Shop's messages, registered on every service's bus, and their ordering key: every Shop
/// message is about one order, so each carries its order's id as its ordering key, stamped by whichever service sends it.
/// Order's saga endpoint is ordered by it (one message of an order at a time, in the order they were accepted); the
/// other endpoints are not ordered and ignore the key. See docs/shop.md.
/// </summary>
public static class ShopMessages
{
    /// <summary>Registers every Shop message on a bus, with its order's id as its ordering key.</summary>
    public static SwitchboardBuilder AddShopMessages(this SwitchboardBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .Message<OrderCreated>("shop.order-created.v1")
            .Message<PaymentProcessed>("shop.payment-processed.v1")
            .Message<PaymentFailed>("shop.payment-failed.v1")
            .Message<PaymentRefunded>("shop.payment-refunded.v1")
            .Message<InventoryUpdated>("shop.inventory-updated.v1")
            .Message<InventoryUpdateFailed>("shop.inventory-update-failed.v1")
            .Message<OrderShipped>("shop.order-shipped.v1")
            .Message<ShipmentCancelled>("shop.shipment-cancelled.v1")
            .Message<OrderCompleted>("shop.order-completed.v1")
            .Message<OrderFailed>("shop.order-failed.v1")
            .Message<OrderCancelled>("shop.order-cancelled.v1")
            // The key is given here, where every service learns the contracts, because it is computed where a message is
            // sent: Payment, Inventory and Shipping send to Order's ordered endpoint without running it.
            .OrderingKey<OrderCreated>(m => m.OrderId)
            .OrderingKey<PaymentProcessed>(m => m.OrderId)
            .OrderingKey<PaymentFailed>(m => m.OrderId)
            .OrderingKey<PaymentRefunded>(m => m.OrderId)
            .OrderingKey<InventoryUpdated>(m => m.OrderId)
            .OrderingKey<InventoryUpdateFailed>(m => m.OrderId)
            .OrderingKey<OrderShipped>(m => m.OrderId)
            .OrderingKey<ShipmentCancelled>(m => m.OrderId)
            .OrderingKey<OrderCompleted>(m => m.OrderId)
            .OrderingKey<OrderFailed>(m => m.OrderId)
            .OrderingKey<OrderCancelled>(m => m.OrderId);
    }
}
