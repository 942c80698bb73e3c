using System.Collections.Concurrent;
using Shop.Contracts;
using Shop.Invariants;
using Xunit.Abstractions;

namespace Shop.Crash.Tests;

/// <summary>
/// kill -9 while orders fail after payment (issue 13, item 1): the Payment process, the Inventory process and the
/// process with the other services are killed in turn and restarted while orders flow, half of which are charged and
/// then refused by Inventory (21 of a SKU that has 20), so that many refunds come after the Payment process that made
/// the charge was killed (a killed Inventory's messages come back only when their lease expires). Every one of those
/// orders is refunded exactly once, at the gateway as in the events, and every invariant holds.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class KillDuringLoadTests(ITestOutputHelper output)
{
    private const int Orders = 200;
    private const int Kills = 9;
    private const int Customers = 20;

    [Fact]
    public Task Every_charge_of_a_failed_order_is_refunded_exactly_once_across_kill_9() => EmbeddedShop.RunAsync(output, async shop =>
    {
        string[] roles = ["payment", "inventory", "rest"];
        shop.Define("payment", "payment");
        shop.Define("inventory", "inventory");
        shop.Define("rest", "order,shipping,notification,analytics");
        foreach (var role in roles)
        {
            await shop.StartAsync(role);
        }

        using var http = shop.Http("rest");

        var placed = new ConcurrentDictionary<Guid, int>();
        var placing = Task.Run(async () =>
        {
            using var gate = new SemaphoreSlim(4);
            await Task.WhenAll(Enumerable.Range(0, Orders).Select(async i =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(i * 150));
                await gate.WaitAsync();
                try
                {
                    var id = i % 2 == 0
                        ? await shop.PlaceAsync(http, Customer(i), "SKU-0001", 1, $"kill-{i}")
                        : await shop.PlaceAsync(http, Customer(i), "SKU-0010", 21, $"kill-{i}");
                    placed[id] = i;
                }
                finally
                {
                    gate.Release();
                }
            }));
        });

        // Kills while the orders flow: every 2 to 4 s, Payment, Inventory and the rest in turn, each restarted at once.
        var random = new Random(13);
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2_000 + random.Next(2_000)));
            var role = roles[kill % roles.Length];
            await shop.KillAsync(role);
            await shop.StartAsync(role);
        }

        await placing;
        Assert.Equal(Orders, placed.Count);

        // Every order terminal, then nothing left to handle (a killed process's leased messages come back after the
        // lease, 30 s): refunds, releases, notifications and analytics of the last events included.
        await shop.WaitUntilAsync(async () => await TerminalAsync(shop, http) == Orders, $"all {Orders} orders to be terminal", TimeSpan.FromSeconds(180));
        await shop.WaitUntilAsync(async () => (await shop.QueuesAsync()).Pending == 0, "every message to be handled", TimeSpan.FromSeconds(120));

        Assert.True((await shop.QueuesAsync()).DeadLetters == 0, "Dead letters:\n" + await shop.DeadLettersAsync());
        var notifications = new List<SentNotification>();
        for (var c = 0; c < Customers; c++)
        {
            notifications.AddRange(await shop.NotificationsAsync(http, $"kill-{c:D2}"));
        }

        using var inventory = shop.Http("inventory");
        var report = InvariantCheck.Check(shop.Ledger, placed.Keys, await shop.StockAsync(inventory), notifications);
        output.WriteLine($"{Orders} orders, {Kills} kills: {report.Completed} completed, {report.Failed} failed, {report.Cancelled} cancelled, {report.Refunds} refunds.");
        Assert.True(report.Passed, "Invariants broken:\n" + string.Join('\n', report.Violations));

        // Each order of 21 × SKU-0010 was charged, then refused and refunded once, and the gateway agrees; the others completed.
        foreach (var (id, index) in placed)
        {
            var refunds = shop.Ledger.Of<PaymentRefunded>().Count(r => r.OrderId == id);
            var gateway = await shop.GatewayAsync(id);
            if (index % 2 == 1)
            {
                Assert.True(refunds == 1 && gateway == (123_900L, 123_900L, 1L), $"order {index}: {refunds} refund event(s), gateway {gateway}");
            }
            else
            {
                Assert.True(refunds == 0 && gateway.Refunds == 0, $"order {index} was refunded: {refunds} event(s), gateway {gateway}");
            }
        }

        Assert.Equal(Orders / 2, report.Refunds);
    });

    private static string Customer(int index) => $"kill-{index % Customers:D2}";

    // Orders in a terminal state, from the customers' lists (-1 while the process restarts).
    private static async Task<int> TerminalAsync(EmbeddedShop shop, HttpClient http)
    {
        var terminal = 0;
        for (var c = 0; c < Customers; c++)
        {
            if (await shop.ReadAsync<List<ListedOrder>>(http, $"/orders?customerId=kill-{c:D2}") is not { } list)
            {
                return -1;
            }

            terminal += list.Count(o => o.Status is "completed" or "failed" or "cancelled");
        }

        return terminal;
    }

    private sealed record ListedOrder(Guid Id, string Status);
}
