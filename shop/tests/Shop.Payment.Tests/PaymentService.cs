using Microsoft.Extensions.DependencyInjection;
using Shop.Testing;

namespace Shop.Payment.Tests;

/// <summary>The Payment service under the Switchboard test harness, and its simulated gateway.</summary>
internal static class PaymentService
{
    public static Task<HarnessedService> StartAsync(PaymentOptions options) =>
        HarnessedService.StartAsync((bus, database) => bus.AddPaymentService(database, options));

    public static SimulatedPaymentGateway Gateway(this HarnessedService service) =>
        (SimulatedPaymentGateway)service.Harness.Services.GetRequiredService<IPaymentGateway>();
}
