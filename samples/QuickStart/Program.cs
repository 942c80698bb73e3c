using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuickStart;
using Switchboard;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Transport;

// A tour of the core in one process: a command, an event with two subscribers, a send made inside a
// handler (correlation and causation flow on), retries, and a dead letter that is inspected and purged.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Error);
builder.Services.AddSingleton<Journal>();
using var network = new InMemoryNetwork();
builder.Services.AddSwitchboard(bus => bus
    .Message<PlaceOrder>("quickstart.place-order.v1")
    .Message<OrderPlaced>("quickstart.order-placed.v1")
    .Message<ChargeCard>("quickstart.charge-card.v1")
    .Route<PlaceOrder>("orders")
    .Endpoint("orders", e => e.Handle<PlaceOrder, PlaceOrderHandler>())
    .Endpoint("payments", e => e
        .Handle<OrderPlaced, PaymentsHandler>()
        .Handle<ChargeCard, PaymentsHandler>()
        .Retry(new RetryPolicy { ImmediateRetries = 1, DelayedRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(200) }))
    .Endpoint("notifications", e => e.Handle<OrderPlaced, NotifyCustomerHandler>())
    .UseInMemory(network));

using var host = builder.Build();
await host.StartAsync();
var bus = host.Services.GetRequiredService<IBus>();
var journal = host.Services.GetRequiredService<Journal>();
var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();

Console.WriteLine("Placing two orders; the second is over the card limit.");
await bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "ada@example.com", 42.50m));
await bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "grace@example.com", 5000m));

var deadline = DateTime.UtcNow.AddSeconds(30);
while (await deadLetters.CountAsync("payments") == 0 && DateTime.UtcNow < deadline)
{
    await Task.Delay(50);
}

Console.WriteLine();
Console.WriteLine("Dead letters of 'payments':");
foreach (var letter in await deadLetters.ListAsync("payments"))
{
    Console.WriteLine($"  {letter.Envelope.MessageType} {letter.Id}: {letter.Reason} after {letter.Attempts} attempts ({letter.ExceptionType}: {letter.ExceptionMessage})");
}

var purged = await deadLetters.PurgeAsync("payments");
Console.WriteLine($"Purged {purged} dead letter(s). {journal.Entries} journal entries in all.");
await host.StopAsync();
return purged == 1 ? 0 : 1;
