using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Http;
using Shop.Invariants;
using Switchboard.Configuration;
using Xunit.Abstractions;

namespace Shop.Distributed.Tests;

/// <summary>
/// Shop in its distributed mode, for real and started as the README says: <c>scripts/distributed.sh</c>, whose Aspire
/// AppHost provisions the vhost, the database and one least-privilege broker user per service (the shipped <c>shop
/// broker-users</c>), then runs one <c>shop run</c> process per service instance (two of Payment and two of Inventory
/// competing on their queues) on RabbitMQ and PostgreSQL, each service's state in its own schema. Orders go through the
/// Order process's HTTP API with the demo's mix (declined cards, transient card failures, SKUs that run out, repeated
/// idempotency keys); this process runs a small bus on the same vhost with the audit endpoint
/// (<see cref="EventLedgerEndpoint.AddEventLedger"/>) that sees every event, reads stock and notifications over HTTP,
/// requires every invariant, then stops the launcher with SIGTERM (Ctrl+C) and requires a clean stop.
/// </summary>
public sealed class DistributedShopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MixRequests = 500;
    private const int ScarceOrders = 20;
    private const int Concurrency = 16;

    // Nine processes with 33 PostgreSQL pools (Order 5 each, Payment 4, the others 3): the AppHost's default budget of 80
    // gives each pool 2 connections, at most 66 in all.
    private const int Budget = 80;
    private static readonly Dictionary<string, int> Instances = new(StringComparer.Ordinal) { ["order"] = 2, ["payment"] = 2, ["inventory"] = 2 };

    private readonly TestEnvironment _environment = new("dist");
    private IHost? _audit;
    private LaunchedShop? _shop;

    private string UserPrefix => $"dist-{_environment.Id}-";

    public Task InitializeAsync() => _environment.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }

        if (_audit is not null)
        {
            await _audit.StopAsync();
            _audit.Dispose();
        }

        foreach (var service in ShopServices.Names)
        {
            await TestServers.DeleteUserAsync(UserPrefix + service);
        }

        await _environment.DisposeAsync();
    }

    [Fact]
    public async Task Every_order_finishes_and_the_invariants_hold_with_one_process_per_service_started_by_the_launcher()
    {
        try
        {
            await RunAsync();
        }
        catch when (_shop is not null)
        {
            output.WriteLine("===== scripts/distributed.sh =====");
            output.WriteLine(_shop.Output());
            throw;
        }
    }

    private async Task RunAsync()
    {
        var clock = Stopwatch.StartNew();

        // The audit bus first: its queue is bound to every Shop event before any order exists.
        var ledger = new EventLedger();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSwitchboard(bus => bus.AddShopMessages().UseRabbitMq(TestServers.AmqpUriFor(_environment.Vhost)).AddEventLedger(ledger));
        _audit = builder.Build();
        await _audit.StartAsync();

        // The key the launcher creates for its processes; the test signs its tokens with it.
        var data = Path.Combine(_environment.Directory.FullName, "distributed");
        var tokens = new ShopTokens(DevelopmentSigningKey.LoadOrCreate(Path.Combine(data, DevelopmentSigningKey.FileName)));
        _shop = LaunchedShop.Start(Instances, ["--vhost", _environment.Vhost, "--database", _environment.Database, "--broker-user-prefix", UserPrefix, "--data", data, "--postgres-connections", Budget.ToString(System.Globalization.CultureInfo.InvariantCulture)], tokens);

        // Ready, not only alive: every queue is declared (a published event finds its subscribers' queues). The launcher
        // builds the AppHost first (nothing to do after the test command's build) and starts the processes together.
        var connections = new PeakConnections(_environment.Database);
        await _shop.WaitReadyAsync(TimeSpan.FromMinutes(4));
        var started = clock.Elapsed;
        var orders = _shop.Instances.Where(p => p.Service == "order").ToList();

        // The demo's mix through both Order processes' APIs in turn (a repeated request may reach the other one), and
        // among it orders of three units of SKU-0010 (20 in stock) that run it out: charged, then refused by Inventory,
        // so they are refunded. Both Order processes then handle the sagas' messages: no update of an order is lost.
        var requests = Enumerable.Range(0, MixRequests).Select(i => OrderMix.For(i)).ToList();
        for (var k = ScarceOrders - 1; k >= 0; k--)
        {
            var customer = $"customer-{k % 40:D2}";
            requests.Insert(k * (MixRequests / ScarceOrders), new OrderRequest(
                $"scarce-{k}", customer, $"{customer}@example.com", [new OrderRequestLine("SKU-0010", 3)], "tok_visa",
                new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", "GB")));
        }

        var placed = new PlacedOrders();
        using (var gate = new SemaphoreSlim(Concurrency))
        {
            await Task.WhenAll(requests.Select(async (request, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    await placed.PlaceAsync(orders[i % orders.Count].Http, tokens, request, CancellationToken.None);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        var placing = clock.Elapsed - started;
        Assert.Equal(0, placed.Refused);
        Assert.Equal(0, placed.KeyMismatches);
        Assert.Equal(MixRequests - (MixRequests / 25) + ScarceOrders, placed.Accepted.Count);
        Assert.Equal(MixRequests / 25, placed.Repeats);

        // Read your writes across processes: the Notification process, given a placement's token, includes the order the
        // first time it is asked. It waits at most 5 s and then answers timed-out, which is honest while it is further
        // behind the flood than that (it was, once, in a full test run on this machine, for three orders the dictionary
        // happened to list first): so the three placed first, by their time-ordered ids.
        foreach (var id in placed.Accepted.Order().Take(3))
        {
            var customer = placed.CustomerOf(id);
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/customers/{customer}/notifications");
            read.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.ForCustomer(customer));
            read.Headers.Add(Switchboard.ConsistencyToken.HeaderName, placed.ConsistencyTokenOf(id) ?? throw new InvalidOperationException($"Order {id} was accepted without a Consistency-Token."));
            using var answer = await Single("notification").Http.SendAsync(read);
            Assert.Equal("reached", Assert.Single(answer.Headers.GetValues("Consistency")));
            var seen = await answer.Content.ReadFromJsonAsync<List<NotificationView>>(ApiRequests.Json) ?? [];
            Assert.Contains(seen, n => n.OrderId == id && n.Kind == "order-created");
        }

        // Every order terminal (the ledger sees the terminal events), then quiet: no endpoint of any process handles
        // anything more (refunds, releases, notifications and analytics of the last events).
        var patience = Stopwatch.StartNew();
        while (Terminal(ledger) < placed.Accepted.Count)
        {
            Assert.True(patience.Elapsed < TimeSpan.FromSeconds(150), $"{Terminal(ledger)} of {placed.Accepted.Count} orders terminal after {patience.Elapsed}.");
            Assert.False(_shop.HasExited, "scripts/distributed.sh exited while orders were in flight.");
            await Task.Delay(250);
        }

        var terminal = clock.Elapsed;
        var healths = await QuietAsync();
        var peak = await connections.StopAsync();

        // Stock: the two Inventory processes share the schema shop_inventory, so both answer the same table.
        var inventories = _shop.Instances.Where(p => p.Service == "inventory").ToList();
        var stock = await ApiRequests.GetAsync<List<StockLevel>>(inventories[0].Http, "/inventory", tokens.ForOperator(), CancellationToken.None) ?? [];
        var stockOfSecond = await ApiRequests.GetAsync<List<StockLevel>>(inventories[1].Http, "/inventory", tokens.ForOperator(), CancellationToken.None) ?? [];
        Assert.Equal(stock, stockOfSecond);

        var notification = Single("notification");
        var notifications = new List<SentNotification>();
        foreach (var customer in placed.Customers)
        {
            var list = await ApiRequests.GetAsync<List<NotificationView>>(notification.Http, $"/customers/{customer}/notifications", tokens.ForCustomer(customer), CancellationToken.None) ?? [];
            notifications.AddRange(list.Select(n => new SentNotification(customer, $"{n.OrderId}:{n.Kind}")));
        }

        var report = InvariantCheck.Check(ledger, placed.Accepted, stock, notifications);
        output.WriteLine(
            $"{placed.Accepted.Count} orders: {report.Completed} completed, {report.Failed} failed, {report.Cancelled} cancelled, {report.Refunds} refunds, "
            + $"{notifications.Count} notifications, {ledger.Count} events. Processes serving after {started.TotalSeconds:F1} s, orders placed in "
            + $"{placing.TotalSeconds:F1} s, all terminal {(terminal - started).TotalSeconds:F1} s after the first, quiet at {clock.Elapsed.TotalSeconds:F1} s; "
            + $"at most {peak} PostgreSQL connections to the test database.");
        foreach (var (process, health) in _shop.Instances.Zip(healths))
        {
            output.WriteLine($"{process.Name} (pid {health.ProcessId}): handled {string.Join(", ", health.Handled.Select(h => $"{h.Key}={h.Value}"))}; "
                + $"{health.FailedAttempts} failed attempt(s), {health.DeadLettered} dead-lettered");
        }

        Assert.True(report.Passed, "Invariants broken:\n" + string.Join('\n', report.Violations));

        // The AppHost sizes every process's pools so that the whole Shop stays within its budget of connections.
        Assert.True(peak <= Budget, $"{peak} PostgreSQL connections at once; the AppHost's budget was {Budget}.");

        // Each process holds its own service's broker user, and neither the administrator's credentials nor the test
        // servers' connection strings (the AppHost's environment, which the orchestrator passes on).
        foreach (var (process, health) in _shop.Instances.Zip(healths))
        {
            var environment = File.ReadAllText($"/proc/{health.ProcessId}/environ").Split('\0');
            Assert.DoesNotContain(environment, v => v.StartsWith("SWITCHBOARD_RABBITMQ_MANAGEMENT=", StringComparison.Ordinal));
            var amqp = new Uri(Assert.Single(environment, v => v.StartsWith("SWITCHBOARD_RABBITMQ_URI=", StringComparison.Ordinal))["SWITCHBOARD_RABBITMQ_URI=".Length..]);
            Assert.Equal(UserPrefix + process.Service, Uri.UnescapeDataString(amqp.UserInfo.Split(':')[0]));
        }
        Assert.Equal(placed.Accepted.Count, report.Completed + report.Failed + report.Cancelled);
        Assert.True(report.Failed > 0 && report.Refunds > 0, "The run produced no failed order or no refund: it did not exercise compensation.");
        Assert.Equal(placed.Accepted.Count, notifications.Count(n => n.EventKey.EndsWith(":order-created", StringComparison.Ordinal)));

        // Competing consumers: both instances of Order, of Payment and of Inventory took messages from their shared queue.
        foreach (var (process, health) in _shop.Instances.Zip(healths))
        {
            Assert.Equal(0, health.DeadLettered);
            Assert.True(health.Handled.GetValueOrDefault(process.Service) > 0, $"{process.Name} handled no message: {JsonSerializer.Serialize(health.Handled)}");
        }

        // Every check of every process, the flow checks on RabbitMQ and PostgreSQL with each service's own least-privilege
        // user included (dead-letter queues counted, outbox drained, projections caught up): healthy.
        foreach (var process in _shop.Instances)
        {
            using var response = await process.Http.GetAsync(new Uri("/health", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            if (body != """{"status":"healthy"}""")
            {
                using var details = new HttpRequestMessage(HttpMethod.Get, "/health/details") { Headers = { Authorization = new("Bearer", tokens.ForOperator()) } };
                using var answer = await process.Http.SendAsync(details);
                Assert.Fail($"{process.Name}: GET /health answered {(int)response.StatusCode} {body}; details: {await answer.Content.ReadAsStringAsync()}");
            }
        }

        // One completed order is one trace across the processes: every message of it that any process's audit log holds
        // (GET /flows/{id}, each process answering for its own endpoints) carries the trace id of the order's request,
        // and all six services received some.
        var completed = ledger.Of<OrderCompleted>().First().OrderId;
        var deliveries = new List<(string Service, string? TraceParent)>();
        foreach (var process in _shop.Instances)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/flows/{completed}") { Headers = { Authorization = new("Bearer", tokens.ForOperator()) } };
            using var answer = await process.Http.SendAsync(request);
            if (answer.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                continue;
            }

            var flow = JsonSerializer.Deserialize<JsonElement>(await answer.Content.ReadAsStringAsync());
            deliveries.AddRange(flow.GetProperty("timeline").EnumerateArray().Select(r => (r.GetProperty("service").GetString()!, r.GetProperty("traceParent").GetString())));
        }

        Assert.Equal(["analytics", "inventory", "notification", "order", "payment", "shipping"], deliveries.Select(d => d.Service).Distinct().Order(StringComparer.Ordinal));
        var traces = deliveries.Select(d => d.TraceParent?.Split('-')[1]).Distinct().ToList();
        Assert.True(traces.Count == 1 && traces[0] is not null, $"Order {completed}'s messages carry {traces.Count} trace ids: {string.Join(", ", traces)}.");

        // The console of one Order process shows that conversation whole: its flow view reads every service's schema.
        var order = orders[0];
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/switchboard/api/flows/{completed}") { Headers = { Authorization = new("Bearer", tokens.ForOperator()) } })
        {
            using var answer = await order.Http.SendAsync(request);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.IsSuccessStatusCode, $"{order.Name}: GET /switchboard/api/flows/{completed} answered {(int)answer.StatusCode}: {body}");
            var flow = JsonSerializer.Deserialize<JsonElement>(body);
            Assert.Empty(flow.GetProperty("unavailableLogs").EnumerateArray());
            Assert.Equal(["analytics", "inventory", "notification", "order", "payment", "shipping"], flow.GetProperty("timeline").EnumerateArray().Select(r => r.GetProperty("service").GetString()!).Distinct().Order(StringComparer.Ordinal));
            Assert.Single(flow.GetProperty("tree").EnumerateArray(), n => n.GetProperty("depth").GetInt32() == 0);
        }

        // A Payment process's console: its endpoint, with the broker's count of consumers (one per Payment process).
        var payment = _shop.Instances.First(p => p.Service == "payment");
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/switchboard/api/endpoints") { Headers = { Authorization = new("Bearer", tokens.ForOperator()) } })
        {
            using var answer = await payment.Http.SendAsync(request);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.IsSuccessStatusCode, $"{payment.Name}: GET /switchboard/api/endpoints answered {(int)answer.StatusCode}: {body}");
            var endpoint = Assert.Single(JsonSerializer.Deserialize<JsonElement>(body).EnumerateArray(), e => e.GetProperty("queue").GetString() == "payment");
            Assert.Equal(_shop.Instances.Count(p => p.Service == "payment"), endpoint.GetProperty("consumers").GetInt32());
            Assert.Equal(0, endpoint.GetProperty("deadLetters").GetInt64());
            Assert.True(endpoint.GetProperty("running").GetBoolean());
        }

        // A process that dies while the Shop runs is named on the launcher's console, with the last lines it wrote: the
        // orchestrator does not restart it, and the dashboard is not in a launcher's log.
        var analytics = _shop.Instances.Zip(healths).Single(p => p.First.Service == "analytics");
        using (var victim = Process.GetProcessById(analytics.Second.ProcessId))
        {
            victim.Kill();
        }

        var reported = Stopwatch.StartNew();
        while (!_shop.Output().Contains($"shop-apphost: {analytics.First.Name} ended (", StringComparison.Ordinal))
        {
            Assert.True(reported.Elapsed < TimeSpan.FromSeconds(30), $"The launcher did not report {analytics.First.Name}'s end within 30 s.");
            await Task.Delay(250);
        }

        Assert.Contains($"  {analytics.First.Name} | ", _shop.Output(), StringComparison.Ordinal);

        // A graceful stop, as on Ctrl+C: the AppHost stops every process, the launcher exits 0, nothing listens any more,
        // and no service is still connected to the broker.
        var exitCode = await _shop.StopAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, $"scripts/distributed.sh {(exitCode is null ? "did not stop within 90 s" : $"exited with {exitCode}")}.");
        Assert.All(_shop.Instances, i => Assert.False(i.Listening(), $"{i.Name} still listens on {i.Url}."));
        await TestServers.WaitForNoConnectionsAsync(UserPrefix, TimeSpan.FromSeconds(30));
    }

    private LaunchedShop.Instance Single(string service) => _shop!.Instances.Single(p => p.Service == service);

    // Waits until no process's endpoints handle or fail anything for five seconds (longer than the services' delayed
    // retries wait between the rounds that matter here); the last health of each process.
    private async Task<ShopProcess.Health[]> QuietAsync()
    {
        var patience = Stopwatch.StartNew();
        var last = await Task.WhenAll(_shop!.Instances.Select(p => p.HealthAsync()));
        var quietSince = Stopwatch.StartNew();
        while (quietSince.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.True(patience.Elapsed < TimeSpan.FromSeconds(60), "The processes kept handling messages for a minute after every order was terminal.");
            await Task.Delay(500);
            var now = await Task.WhenAll(_shop!.Instances.Select(p => p.HealthAsync()));
            if (!now.Zip(last).All(pair => pair.First.Handled.Values.Sum() == pair.Second.Handled.Values.Sum() && pair.First.FailedAttempts == pair.Second.FailedAttempts))
            {
                quietSince.Restart();
            }

            last = now;
        }

        return last;
    }

    private static int Terminal(EventLedger ledger) =>
        ledger.Of<OrderCompleted>().Select(e => e.OrderId)
            .Concat(ledger.Of<OrderFailed>().Select(e => e.OrderId))
            .Concat(ledger.Of<OrderCancelled>().Select(e => e.OrderId))
            .Distinct().Count();

    private sealed record NotificationView(Guid OrderId, string Kind);
}
