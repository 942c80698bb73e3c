using System.Diagnostics;
using System.Text.Json;
using Shop.Contracts;
using Shop.Http;
using Shop.Invariants;
using Spectre.Console;

namespace Shop;

/// <summary>
/// The demo's orders against a running shop: a realistic mix through the real HTTP API (some declined cards, a card
/// that fails transiently, SKUs that run out, repeated idempotency keys), then a wait until every order is terminal,
/// a summary and the invariant check. It knows nothing of how the shop is hosted: <c>shop demo</c> starts one (all six
/// services in its process on a fresh embedded file, with the audit endpoint that feeds <see cref="EventLedger"/>).
/// </summary>
public static class Demo
{
    private const int Concurrency = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Places <paramref name="orders"/> orders through <paramref name="url"/> with customers' tokens from
    /// <paramref name="tokens"/>, following them in <paramref name="ledger"/> (every Shop event the shop published);
    /// prints what happened and whether every invariant holds, which it returns.
    /// </summary>
    public static async Task<bool> RunAsync(int orders, Uri url, ShopTokens tokens, EventLedger ledger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(ledger);
        using var http = new HttpClient { BaseAddress = url };
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
        return report.Passed;
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

    // One notification per event: an order has at most one event of each kind.
    private sealed record NotificationView(Guid OrderId, string Kind);
}
