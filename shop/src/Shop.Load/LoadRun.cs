using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shop.Http;

namespace Shop;

/// <summary>
/// <c>shop load</c>: an open-loop load against a running shop. Order <c>i</c> is due at <c>i / rate</c> seconds and
/// is sent then whatever the shop is doing (requests are never held back by slow answers), through the real
/// <c>POST /orders</c> with the demo's mix of cards and SKUs (each order once: no repeated idempotency keys). When every order is placed it reads the customers' order lists until every
/// accepted order is terminal, and prints one JSON line in the format of the benchmark runner (scenario <c>shop</c>):
/// <c>seconds</c> from the first order's due time to the last order's terminal time, <c>msgs_per_s</c> terminal
/// orders per second, and the <c>p50_ms</c>/<c>p99_ms</c> (HdrHistogram's, as the benchmark runner's) of each order's time from its due time (not its
/// send time, so a client that falls behind shows up as latency) to its terminal time as the shop recorded it. Both
/// clocks are this machine's. Before it, 1,000 unmeasured orders (at most n) at the same rate warm the shop up.
/// Correct when every request was accepted (202) and every order reached a terminal state.
/// </summary>
public sealed class LoadRun(Uri shop, ShopTokens tokens, int orders, double rate, TimeSpan patience, TextWriter progress, string? run = null)
{
    /// <summary>Orders per customer: a customer's list (at most 100) then holds all of its orders.</summary>
    public const int OrdersPerCustomer = 50;

    private const int WarmUpOrders = 1_000;

    private readonly ConcurrentDictionary<Guid, Placed> _placed = new();
    private readonly string _run = run ?? "load-" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    private int _refused;
    private int _errors;

    /// <summary>Runs the load and returns the JSON line (not yet printed).</summary>
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = shop, Timeout = TimeSpan.FromMinutes(2) };
        var health = await ApiRequests.GetAsync<JsonObject>(http, "/health/details", tokens.ForOperator(), cancellationToken).ConfigureAwait(false);
        var system = "switchboard-" + (health?["transport"]?.GetValue<string>() ?? "unknown");
        // BENCHMARKS.md's warm-up: the same load with 1,000 orders (at most n), unmeasured, until every one is terminal, so
        // that the measured run does not include JIT compilation and connection set-up.
        progress.WriteLine("warming up");
        var warmUp = new LoadRun(shop, tokens, Math.Min(orders, WarmUpOrders), rate, patience, TextWriter.Null, _run + "-warmup");
        await warmUp.PlaceAllAsync(http, cancellationToken).ConfigureAwait(false);
        await warmUp.WaitUntilTerminalAsync(http, cancellationToken).ConfigureAwait(false);

        var (start, sendSeconds) = await PlaceAllAsync(http, cancellationToken).ConfigureAwait(false);
        progress.WriteLine(FormattableString.Invariant($"placed {_placed.Count} orders in {sendSeconds:F1} s ({orders / sendSeconds:F0} requests/s, offered {rate:F0}); waiting for them to finish"));
        var finished = await WaitUntilTerminalAsync(http, cancellationToken).ConfigureAwait(false);

        var latencies = new OrderLatencies();
        foreach (var placed in _placed.Values.Where(p => p.FinishedAt is not null))
        {
            latencies.Record(placed.FinishedAt!.Value - placed.Due);
        }

        var last = _placed.Values.Select(p => p.FinishedAt ?? start).DefaultIfEmpty(start).Max();
        var seconds = Math.Max(0.001, (last - start).TotalSeconds);
        var correct = finished && _refused == 0 && _errors == 0 && !_placed.IsEmpty;
        var outcomes = _placed.Values.Where(p => p.Status is not null).GroupBy(p => p.Status!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new LoadResult(system, orders, rate, _placed.Count, (int)latencies.Count, seconds, latencies.Count / seconds, latencies.Milliseconds(50), latencies.Milliseconds(99), correct)
        {
            Completed = outcomes.GetValueOrDefault("completed"),
            Failed = outcomes.GetValueOrDefault("failed"),
            Cancelled = outcomes.GetValueOrDefault("cancelled"),
        };
    }

    // Sends order i at i / rate seconds, without waiting for earlier answers; returns the first due time and how long sending took.
    private async Task<(DateTimeOffset Start, double Seconds)> PlaceAllAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>(orders);
        for (var index = 0; index < orders; index++)
        {
            var due = TimeSpan.FromSeconds(index / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            sends.Add(PlaceAsync(http, index, start + due, cancellationToken));
            if (index % (int)Math.Max(1, rate) == 0)
            {
                progress.WriteLine(FormattableString.Invariant($"placing: {index}/{orders} sent, {_placed.Count} accepted, {Volatile.Read(ref _refused)} refused"));
            }
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        return (start, clock.Elapsed.TotalSeconds);
    }

    private async Task PlaceAsync(HttpClient http, int number, DateTimeOffset due, CancellationToken cancellationToken)
    {
        // The demo's mix without its repeated requests (every 25th repeats the one before): n requests, n orders.
        var order = OrderMix.For(number + (number / 24), _run);
        try
        {
            using var request = order.ToHttpRequest(tokens);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref _refused);
                return;
            }

            var id = Guid.Parse(response.Headers.Location!.OriginalString.Split('/')[^1]);
            _placed.TryAdd(id, new Placed(order.CustomerId, due));
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    // Reads the lists of the customers with unfinished orders, once a second, until none is left or patience runs out.
    private async Task<bool> WaitUntilTerminalAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var open = _placed.Values.Where(p => p.FinishedAt is null).Select(p => p.CustomerId).Distinct().ToList();
            progress.WriteLine(FormattableString.Invariant($"finishing: {_placed.Count(p => p.Value.FinishedAt is not null)}/{_placed.Count} terminal"));
            if (open.Count == 0)
            {
                return true;
            }

            if (clock.Elapsed > patience)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            foreach (var batch in open.Chunk(16))
            {
                await Task.WhenAll(batch.Select(customer => ReadListAsync(http, customer, cancellationToken))).ConfigureAwait(false);
            }
        }
    }

    private async Task ReadListAsync(HttpClient http, string customerId, CancellationToken cancellationToken)
    {
        List<ListedOrder> list;
        try
        {
            list = await ApiRequests.GetAsync<List<ListedOrder>>(http, "/orders", tokens.ForCustomer(customerId), cancellationToken).ConfigureAwait(false) ?? [];
        }
        catch (HttpRequestException exception)
        {
            // A read that failed (the shop is overloaded) is read again in the next round; patience bounds the wait.
            progress.WriteLine($"reading the orders of {customerId} failed: {exception.Message}");
            return;
        }

        foreach (var order in list)
        {
            if (order.FinishedAt is { } finishedAt && _placed.TryGetValue(order.Id, out var placed))
            {
                placed.FinishedAt = finishedAt;
                placed.Status = order.Status;
            }
        }
    }

    private sealed class Placed(string customerId, DateTimeOffset due)
    {
        public string CustomerId { get; } = customerId;

        public DateTimeOffset Due { get; } = due;

        public DateTimeOffset? FinishedAt { get; set; }

        public string? Status { get; set; }
    }

    private sealed record ListedOrder(Guid Id, string Status, DateTimeOffset? FinishedAt);
}

/// <summary>The outcome of a <see cref="LoadRun"/>, printed as one JSON line.</summary>
public sealed record LoadResult(string System, int Orders, double Rate, int Accepted, int Terminal, double Seconds, double OrdersPerSecond, double P50Ms, double P99Ms, bool Correct)
{
    /// <summary>Terminal orders that completed.</summary>
    public int Completed { get; init; }

    /// <summary>Terminal orders that failed (payment declined, out of stock).</summary>
    public int Failed { get; init; }

    /// <summary>Terminal orders the Order Service cancelled (stuck past its timeout).</summary>
    public int Cancelled { get; init; }

    /// <summary>The line in the benchmark runner's format: scenario <c>shop</c>, <c>n</c> orders requested, <c>rate</c> offered.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(new
    {
        system = System,
        scenario = "shop",
        n = Orders,
        rate = Rate,
        accepted = Accepted,
        terminal = Terminal,
        completed = Completed,
        failed = Failed,
        cancelled = Cancelled,
        seconds = Math.Round(Seconds, 3),
        msgs_per_s = Math.Round(OrdersPerSecond, 1),
        p50_ms = Math.Round(P50Ms, 3),
        p99_ms = Math.Round(P99Ms, 3),
        correct = Correct,
    });
}
