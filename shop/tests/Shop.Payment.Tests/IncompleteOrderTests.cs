using Shop.Testing;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Switchboard;
using Switchboard.Messages;
using Switchboard.Testing;
using Switchboard.Transport;

namespace Shop.Payment.Tests;

/// <summary>
/// Issue 13, item 4: an <c>OrderCreated</c> with only an order id used to be charged with no token, amount or currency,
/// recorded as declined and answered with <c>PaymentFailed</c> for an order that does not exist. It is now
/// dead-lettered by the contract check before Payment sees it.
/// </summary>
public sealed class IncompleteOrderTests : IAsyncLifetime
{
    private const string Endpoint = "payment";

    private HarnessedService _service = null!;

    private SwitchboardTestHarness Harness => _service.Harness;

    public async Task InitializeAsync() => _service = await PaymentService.StartAsync(new PaymentOptions
    {
        GatewayMinLatency = TimeSpan.Zero,
        GatewayMaxLatency = TimeSpan.Zero,
    });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task An_order_created_with_only_an_order_id_is_dead_lettered_naming_the_missing_fields_and_nothing_is_charged()
    {
        var orderId = Guid.NewGuid();
        var messageId = await PublishFromOutsideAsync($$"""{"orderId":"{{orderId}}"}""");

        // Idle: the hand-written message was delivered and settled, and nothing more can come of it.
        await Harness.WaitForIdleAsync();
        var deadLetters = Harness.Services.GetRequiredService<IDeadLetterQueue>();
        var letter = Assert.Single(await deadLetters.ListAsync(Endpoint));
        Assert.Equal(messageId, letter.Envelope.MessageId);
        Assert.Equal(0, letter.Attempts);
        Assert.Contains("does not satisfy the contract of OrderCreated: missing required properties: customerId, email, lines, total, currency, paymentToken, shippingAddress, createdAt", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(messageId, Assert.Single(Harness.DeadLettered.At(Endpoint).All).MessageId);
        Assert.Empty(Harness.Handled.At(Endpoint).All);

        // A valid order after it is still charged: the endpoint kept flowing.
        var order = PaymentServiceTests.NewOrder();
        await Harness.Bus.PublishAsync(order);
        var processed = (await Harness.Published.AnyAsync<PaymentProcessed>()).As<PaymentProcessed>();
        await Harness.Published.NoneAsync<PaymentFailed>();
        Assert.Equal(order.OrderId, Assert.Single(Harness.Published.Messages<PaymentProcessed>()).OrderId);
        Assert.Equal(order.OrderId, processed.OrderId);

        Assert.Equal(0L, await _service.ScalarAsync<long>("SELECT COUNT(*) FROM payment_charges WHERE order_id = @p0", orderId.ToString("D")));
        Assert.Equal(1, await deadLetters.CountAsync(Endpoint));
    }

    // What a producer that is not Shop puts on the transport: the wire name and a hand-written body, past the bus (its
    // serializer and contract) straight onto the harness's transport.
    private async Task<string> PublishFromOutsideAsync(string body)
    {
        var transport = Harness.Services.GetRequiredService<ITransport>();
        var id = Guid.NewGuid().ToString();
        await transport.PublishAsync("shop.order-created.v1", new Envelope
        {
            MessageId = id,
            MessageType = "shop.order-created.v1",
            CorrelationId = id,
            SentAt = DateTimeOffset.UtcNow,
            Body = Encoding.UTF8.GetBytes(body),
        });
        return id;
    }
}
