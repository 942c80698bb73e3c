using Switchboard.Configuration;

namespace Shop.Contracts;

/// <summary>The stable wire names of Shop's messages, registered on every service's bus.</summary>
public static class ShopMessages
{
    /// <summary>Registers every Shop message on a bus.</summary>
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
            .Message<OrderCancelled>("shop.order-cancelled.v1");
    }
}
