using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Shop.Contracts;
using Shop.Http;
using Shop.Invariants;
using Shop.Payment;
using Spectre.Console;

namespace Shop;

/// <summary>
/// <c>shop demo</c>: all six services in this process on the embedded default (a fresh <c>data/shop.db</c>), orders
/// placed through the real HTTP API with a realistic mix — some declined cards, a card that fails transiently,
/// SKUs that run out, repeated idempotency keys — then a wait until every order is terminal, a summary and the
/// invariant check. Exit code 1 when an invariant fails.
/// </summary>
public static class Demo
{
    private const int Concurrency = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Runs the demo; the process exit code.</summary>
    public static async Task<int> RunAsync(int orders, string dataDirectory, CancellationToken cancellationToken)
    {
        DeleteDatabase(dataDirectory);
        var ledger = new EventLedger();
        var options = new ShopHostOptions { DataDirectory = dataDirectory, Url = $"http://127.0.0.1:{FreePort()}", Audit = true, StuckOrderTimeout = TimeSpan.FromSeconds(60) };
        await using var app = ShopHost.Build(options, ledger, Microsoft.Extensions.Logging.LogLevel.Error);
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(options.Url) };
        var tokens = ShopTokens.FromKeyFile(options.SigningKeyFile);
        AnsiConsole.MarkupLine($"[bold]Shop demo[/]: {orders} orders through {options.Url}, all services in this process, data in [grey]{options.SqlitePath}[/]");

        var clock = Stopwatch.StartNew();
        var placed = new PlacedOrders();
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var placing = progress.AddTask("placing orders", maxValue: orders);
            var finishing = progress.AddTask("orders terminal", maxValue: orders);
            using var gate = new SemaphoreSlim(Concurrency);
            var requests = Enumerable.Range(0, orders).Select(async index =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    await placed.PlaceAsync(http, tokens, OrderMix.For(index), cancellationToken);
                    placing.Increment(1);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            var deadline = Stopwatch.StartNew();
            while (!requests.All(r => r.IsCompleted) || Terminal(ledger) < placed.Accepted.Count)
            {
                finishing.MaxValue = Math.Max(1, placed.Accepted.Count);
                finishing.Value = Terminal(ledger);
                if (deadline.Elapsed > Patience + TimeSpan.FromSeconds(orders / 50.0))
                {
                    break;
                }

                await Task.Delay(100, cancellationToken);
            }

            await Task.WhenAll(requests);
            finishing.Value = Terminal(ledger);
        });
        var elapsed = clock.Elapsed;
        await Task.Delay(500, cancellationToken); // notifications and analytics of the last events

        var stock = await ApiRequests.GetAsync<List<StockLevel>>(http, "/inventory", tokens.ForOperator(), cancellationToken) ?? [];
        var notifications = await NotificationsAsync(http, tokens, placed, cancellationToken);
        var report = InvariantCheck.Check(ledger, placed.Accepted, stock, notifications);
        var analytics = await ApiRequests.GetAsync<JsonElement>(http, "/analytics", tokens.ForOperator(), cancellationToken);
        Summary.Print(placed, ledger, report, notifications.Count, analytics, elapsed);
        await app.StopAsync(cancellationToken);
        return report.Passed ? 0 : 1;
    }


    private static int Terminal(EventLedger ledger) =>
        ledger.Of<OrderCompleted>().Select(e => e.OrderId)
            .Concat(ledger.Of<OrderFailed>().Select(e => e.OrderId))
            .Concat(ledger.Of<OrderCancelled>().Select(e => e.OrderId))
            .Distinct().Count();

    // Each customer reads their own notifications.
    private static async Task<List<SentNotification>> NotificationsAsync(HttpClient http, ShopTokens tokens, PlacedOrders placed, CancellationToken cancellationToken)
    {
        var sent = new List<SentNotification>();
        foreach (var customer in placed.Customers)
        {
            var list = await ApiRequests.GetAsync<List<NotificationView>>(http, $"/customers/{customer}/notifications", tokens.ForCustomer(customer), cancellationToken) ?? [];
            sent.AddRange(list.Select(n => new SentNotification(customer, $"{n.OrderId}:{n.Kind}")));
        }

        return sent;
    }

    private static void DeleteDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        foreach (var file in new[] { "shop.db", PersistentPaymentGateway.SqliteFileName })
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Path.Combine(dataDirectory, file + suffix));
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // One notification per event: an order has at most one event of each kind.
    private sealed record NotificationView(Guid OrderId, string Kind);
}
