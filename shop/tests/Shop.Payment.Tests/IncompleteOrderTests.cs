using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Testing;
using Switchboard;
using Switchboard.Messages;
using Switchboard.Sqlite;
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

    private ServiceHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ServiceHarness.StartAsync((bus, database) => bus.AddPaymentService(database, new PaymentOptions
    {
        GatewayMinLatency = TimeSpan.Zero,
        GatewayMaxLatency = TimeSpan.Zero,
    }));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task An_order_created_with_only_an_order_id_is_dead_lettered_naming_the_missing_fields_and_nothing_is_charged()
    {
        var orderId = Guid.NewGuid();
        await PublishFromOutsideAsync($$"""{"orderId":"{{orderId}}"}""");

        var deadLetters = _harness.Services.GetRequiredService<IDeadLetterQueue>();
        var letter = await WaitForDeadLetterAsync(deadLetters);
        Assert.Equal(0, letter.Attempts);
        Assert.Contains("does not satisfy the contract of OrderCreated: missing required properties: customerId, email, lines, total, currency, paymentToken, shippingAddress, createdAt", letter.Reason, StringComparison.Ordinal);

        // A valid order after it is still charged: the endpoint kept flowing.
        var order = PaymentServiceTests.NewOrder();
        await _harness.Bus.PublishAsync(order);
        var processed = Assert.Single(await _harness.Recorder.WaitForAsync<PaymentProcessed>(1));
        Assert.Equal(order.OrderId, processed.OrderId);

        await _harness.WaitUntilDrainedAsync(Endpoint);
        Assert.Equal(0L, await _harness.ScalarAsync<long>("SELECT COUNT(*) FROM payment_charges WHERE order_id = @p0", orderId.ToString("D")));
        Assert.Empty(_harness.Recorder.Of<PaymentFailed>());
        Assert.DoesNotContain(_harness.Recorder.Of<PaymentProcessed>(), p => p.OrderId == orderId);
        Assert.Equal(1, await deadLetters.CountAsync(Endpoint));
    }

    // What a producer that is not Shop puts on the embedded transport: the wire name and a hand-written body.
    private async Task PublishFromOutsideAsync(string body)
    {
        await using var transport = new SqliteTransport(new SqliteTransportOptions { Path = _harness.Path });
        await transport.StartAsync();
        var id = Guid.NewGuid().ToString();
        await transport.PublishAsync("shop.order-created.v1", new Envelope
        {
            MessageId = id,
            MessageType = "shop.order-created.v1",
            CorrelationId = id,
            SentAt = DateTimeOffset.UtcNow,
            Body = Encoding.UTF8.GetBytes(body),
        });
    }

    private static async Task<DeadLetter> WaitForDeadLetterAsync(IDeadLetterQueue deadLetters)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await deadLetters.CountAsync(Endpoint) == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No dead letter in '{Endpoint}'.");
            }

            await Task.Delay(10);
        }

        return Assert.Single(await deadLetters.ListAsync(Endpoint));
    }
}
