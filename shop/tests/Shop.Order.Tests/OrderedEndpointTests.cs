using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Infrastructure;
using Shop.Order.Saga;
using Switchboard;
using Switchboard.Configuration;
using Switchboard.Messages;
using Switchboard.Sqlite;
using Switchboard.Transport;

namespace Shop.Order.Tests;

/// <summary>The <c>order</c> endpoint is ordered by order id: one message of an order at a time, in the order they were accepted.</summary>
public sealed class OrderedEndpointTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

    /// <summary>
    /// Every message the saga handles carries its order's id as its ordering key, stamped by whichever service sends it
    /// (the keys are in <c>ShopMessages</c>) or, for the saga's own timeout, by Order: a type without one would be handled
    /// unordered, silently.
    /// </summary>
    [Fact]
    public void Every_message_of_the_order_endpoint_carries_its_order_id_as_its_ordering_key()
    {
        var configuration = OrderServiceConfiguration();
        var endpoint = configuration.Endpoints.Single(e => e.Queue == OrderServiceExtensions.EndpointName);
        var id = Guid.CreateVersion7();
        object[] messages =
        [
            new OrderCreated(id, "cust-1", "ada@example.com", [], 0m, "EUR", "tok_visa", new ShippingAddress("Ada", "1 St", null, "London", "N1", "GB"), At),
            new PaymentProcessed(id, "pay-1", 1m, "EUR", [], At),
            new PaymentFailed(id, "declined", At),
            new PaymentRefunded(id, "pay-1", 1m, "EUR", "cancelled", At),
            new InventoryUpdated(id, [], At),
            new InventoryUpdateFailed(id, "out of stock", At),
            new OrderShipped(id, "ship-1", "TRACK-1", At),
            new ShipmentCancelled(id, "ship-1", "cancelled", At),
            new OrderStuckTimeout(id),
        ];

        Assert.True(endpoint.Ordered);
        Assert.Equal(endpoint.Handlers.Keys.OrderBy(t => t.Name), messages.Select(m => m.GetType()).OrderBy(t => t.Name));
        Assert.All(messages, m => Assert.Equal(OrderLifeSaga.Key(id), configuration.OrderingKeys.Of(m)));
    }

    /// <summary>
    /// A dead letter of an order parks the order: its later messages (here the shipment) wait behind it while other orders
    /// go on, and the order stays where it was; skipping the dead letter (the operator's delete) lets them run.
    /// </summary>
    [Fact]
    public async Task A_dead_lettered_message_parks_its_order_until_it_is_skipped()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();
        var other = await host.PlaceAsync();
        await host.Bus.PublishAsync(new PaymentProcessed(id, "pay-1", 41.90m, "EUR", [], At));
        await host.WaitForStatusAsync(id, "paid");
        // The probe's copy of OrderCreated was accepted with the order endpoint's: the poison below comes after it.
        await Eventually.HoldsAsync(() => host.Published.Of<OrderCreated>().Any(m => m.Message.OrderId == id), "OrderCreated");

        var transport = host.App.Services.GetRequiredService<ITransport>();
        await transport.SendAsync(OrderServiceExtensions.EndpointName, new Envelope
        {
            MessageId = Guid.NewGuid().ToString("N"),
            MessageType = "shop.inventory-updated.v1",
            Headers = new Dictionary<string, string>(StringComparer.Ordinal) { [HeaderNames.OrderingKey] = OrderLifeSaga.Key(id) },
            Body = Encoding.UTF8.GetBytes("not json"),
        });
        var deadLetters = host.App.Services.GetRequiredService<IDeadLetterQueue>();
        DeadLetter? letter = null;
        await Eventually.HoldsAsync(async () => (letter = (await deadLetters.ListAsync(OrderServiceExtensions.EndpointName)).SingleOrDefault()) is not null, "the dead letter");
        await host.Bus.PublishAsync(new OrderShipped(id, "ship-1", "TRACK-1", At));
        await host.Bus.PublishAsync(new OrderShipped(other, "ship-2", "TRACK-2", At));

        await host.WaitForStatusAsync(other, "completed");
        // Two wait behind the dead letter: the shipment, and the order's timeout (requested with OrderCreated, not yet due).
        ParkedKey? parked = null;
        await Eventually.HoldsAsync(
            async () => (parked = (await ((IOrderedTransport)transport).ListParkedKeysAsync(OrderServiceExtensions.EndpointName)).SingleOrDefault()) is { Waiting: 2 },
            "the order parked with its shipment waiting");
        Assert.Equal(new ParkedKey(OrderLifeSaga.Key(id), OrderServiceExtensions.EndpointName, letter!.Id, 2), parked);
        Assert.Equal("paid", (await host.GetAsync(id))!.Status);

        Assert.True(await deadLetters.DeleteAsync(OrderServiceExtensions.EndpointName, letter.Id));
        await host.WaitForStatusAsync(id, "completed");
    }

    private static BusConfiguration OrderServiceConfiguration()
    {
        var services = new ServiceCollection();
        services.AddSwitchboard(bus => bus
            .AddShopMessages()
            .AddOrderService(ShopDatabase.Sqlite(SqliteApplicationDataSource.Create("unused.db")))
            .UseTransport(_ => throw new InvalidOperationException("This bus is only read, never run.")));
        return services.Single(d => d.ServiceType == typeof(BusConfiguration)).ImplementationInstance as BusConfiguration
            ?? throw new InvalidOperationException("AddSwitchboard registered no configuration.");
    }
}
