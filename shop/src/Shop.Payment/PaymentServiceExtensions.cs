using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard.Configuration;

namespace Shop.Payment;

/// <summary>Adds Shop's Payment service to a bus.</summary>
public static class PaymentServiceExtensions
{
    /// <summary>
    /// Declares the transactional <c>payment</c> endpoint (charges on <see cref="OrderCreated"/>, refunds on
    /// <see cref="InventoryUpdateFailed"/> and <see cref="OrderCancelled"/>), its tables in <paramref name="database"/>
    /// (created at start-up), and the <see cref="IPaymentGateway"/> (a <see cref="SimulatedPaymentGateway"/> unless
    /// one is registered already). The host chooses the transport and store.
    /// </summary>
    public static SwitchboardBuilder AddPaymentService(this SwitchboardBuilder bus, ShopDatabase database, PaymentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        options ??= new PaymentOptions();
        bus.Services.TryAddSingleton(TimeProvider.System);
        bus.Services.AddSingleton(new PaymentSettings(database, options));
        bus.Services.TryAddSingleton<IPaymentGateway>(sp => new SimulatedPaymentGateway(options, sp.GetRequiredService<TimeProvider>()));
        return bus
            .Publishes<PaymentProcessed>()
            .Publishes<PaymentFailed>()
            .Publishes<PaymentRefunded>()
            .AddShopEndpoint("payment", database, PaymentSchema.Sql, options, e => e
            .Handle<OrderCreated, ChargeOrderHandler>()
            .Handle<InventoryUpdateFailed, RefundHandler>()
            .Handle<OrderCancelled, RefundHandler>());
    }
}
