using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Http;
using Shop.Invariants;
using Shop.Payment;

namespace Shop.EndToEnd.Tests;

/// <summary>A Shop order line as a client sends it.</summary>
internal sealed record Line(string Sku, int Quantity);

/// <summary><c>GET /orders/{id}</c>, as much of it as the tests read.</summary>
internal sealed record OrderView(Guid Id, string CustomerId, string Status, decimal Total, string Currency, IReadOnlyList<Line> Lines, string? Reason, IReadOnlyList<TimelineEntry> Timeline)
{
    public IReadOnlyList<string> Events => Timeline.Select(t => t.Event).ToList();
}

/// <summary>One entry of an order's timeline.</summary>
internal sealed record TimelineEntry(DateTimeOffset At, string Event, string Detail);

/// <summary><c>GET /customers/{id}/notifications</c>, one entry.</summary>
internal sealed record NotificationView(string Kind, Guid OrderId, string Subject, string Body);

/// <summary>
/// All six Shop services in this process, as <c>shop run</c> starts them (the embedded SQLite default, a fresh data
/// directory), with the audit ledger; the tests drive it through the HTTP API only, except where a test redelivers a
/// message on the bus. <see cref="CheckInvariantsAsync"/> waits until the system is quiet and runs the invariant check.
/// </summary>
internal sealed class ShopUnderTest : IAsyncDisposable
{
    /// <summary>How long to wait for an outcome: generous, the tests assert outcomes, not timings.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly DirectoryInfo _data;
    private readonly ConcurrentDictionary<Guid, string> _placed = new();
    private readonly SocketsHttpHandler _handler = new();
    private readonly ConcurrentDictionary<(string Subject, bool Operator), HttpClient> _clients = new();

    private ShopUnderTest(DirectoryInfo data, WebApplication app, EventLedger ledger, Uri address, string signingKeyFile, string databasePath)
    {
        SigningKeyFile = signingKeyFile;
        Tokens = ShopTokens.FromKeyFile(signingKeyFile);
        _data = data;
        App = app;
        Ledger = ledger;
        Address = address;
        Http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = address };
        DatabasePath = databasePath;
    }

    public WebApplication App { get; }

    public EventLedger Ledger { get; }

    public Uri Address { get; }

    /// <summary>The shop's development signing key.</summary>
    public string SigningKeyFile { get; }

    /// <summary>Mints tokens with the shop's development key.</summary>
    public ShopTokens Tokens { get; }

    /// <summary>A client without a token.</summary>
    public HttpClient Http { get; }

    /// <summary>A client with an operator's token.</summary>
    public HttpClient Operator => Client(ShopClaims.Operator, @operator: true);

    /// <summary>A client with <paramref name="customerId"/>'s token.</summary>
    public HttpClient As(string customerId) => Client(customerId, @operator: false);

    public string DatabasePath { get; }

    /// <summary>The orders the API accepted (202), with their customers.</summary>
    public IReadOnlyDictionary<Guid, string> Placed => _placed;

    /// <summary>The simulated payment gateway (its charge and refund counts are the money that really moved).</summary>
    public PersistentPaymentGateway Gateway => (PersistentPaymentGateway)App.Services.GetRequiredService<IPaymentGateway>();

    /// <summary>Starts the shop; <paramref name="configure"/> may change its options (the tests' defaults are set first).</summary>
    public static async Task<ShopUnderTest> StartAsync(Func<ShopHostOptions, ShopHostOptions>? configure = null)
    {
        var data = Directory.CreateTempSubdirectory("shop-e2e-");
        var ledger = new EventLedger();
        var options = new ShopHostOptions
        {
            DataDirectory = data.FullName,
            Url = "http://127.0.0.1:0", // Kestrel picks a free port; read back below
            Audit = true,
            StuckOrderTimeout = TimeSpan.FromMinutes(5), // far beyond a test: no order is cancelled for being slow
        };
        options = configure?.Invoke(options) ?? options;
        var app = ShopHost.Build(options, ledger, LogLevel.Error);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ShopUnderTest(data, app, ledger, new Uri(address), options.SigningKeyFile, options.SqlitePath);
    }

    /// <summary>A valid order body.</summary>
    public static object OrderBody(string customerId, string paymentToken, params Line[] lines) => new
    {
        customerId,
        email = customerId.Replace('@', '.') + "@example.com", // an id may have an @ of its own
        lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }).ToList(),
        paymentToken,
        shippingAddress = new { name = "Ada Lovelace", line1 = "1 Analytical Row", city = "London", postalCode = "N1 7AA", country = "GB" },
    };

    /// <summary>POSTs <paramref name="body"/> to <c>/orders</c> as <paramref name="customerId"/>; the answer, unread.</summary>
    public async Task<HttpResponseMessage> PostOrderAsync(string customerId, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await As(customerId).SendAsync(request);
    }

    /// <summary>Places an order as <paramref name="customerId"/>, requires 202 with a location, and returns its id.</summary>
    public async Task<Guid> PlaceAsync(string customerId, string paymentToken, Line[] lines, string? idempotencyKey = null)
    {
        using var response = await PostOrderAsync(customerId, OrderBody(customerId, paymentToken, lines), idempotencyKey);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /orders answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location?.OriginalString ?? throw new InvalidOperationException("202 without a Location");
        Assert.StartsWith("/orders/", location, StringComparison.Ordinal);
        var id = Guid.Parse(location["/orders/".Length..]);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(id, body.RootElement.GetProperty("id").GetGuid());
        _placed.TryAdd(id, customerId);
        return id;
    }

    public Task<Guid> PlaceAsync(string customerId, string paymentToken, params Line[] lines) => PlaceAsync(customerId, paymentToken, lines, null);

    /// <summary><c>GET /orders/{id}</c> as an operator; null while 404.</summary>
    public async Task<OrderView?> FindOrderAsync(Guid id)
    {
        using var response = await Operator.GetAsync(new Uri($"/orders/{id}", UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<OrderView>(Json);
    }

    /// <summary>Polls <c>GET /orders/{id}</c> until the order is completed, failed or cancelled.</summary>
    public async Task<OrderView> WaitForTerminalAsync(Guid id)
    {
        OrderView? order = null;
        await WaitUntilAsync(
            async () =>
            {
                order = await FindOrderAsync(id);
                return order is { Status: "completed" or "failed" or "cancelled" };
            },
            () => $"order {id} to reach a terminal status (last: {order?.Status ?? "404"})");
        return order!;
    }

    /// <summary>Polls <c>GET /orders/{id}</c> until <paramref name="condition"/> holds for it.</summary>
    public async Task<OrderView> WaitForOrderAsync(Guid id, Func<OrderView, bool> condition, string what)
    {
        OrderView? order = null;
        await WaitUntilAsync(
            async () =>
            {
                order = await FindOrderAsync(id);
                return order is not null && condition(order);
            },
            () => $"order {id}: {what} (last: {(order is null ? "404" : string.Join(", ", order.Events))})");
        return order!;
    }

    public async Task<IReadOnlyList<StockLevel>> StockAsync() =>
        await Operator.GetFromJsonAsync<List<StockLevel>>("/inventory", Json) ?? [];

    public async Task<StockLevel> StockAsync(string sku) => (await StockAsync()).Single(s => s.Sku == sku);

    /// <summary>The customer's notifications, as the customer reads them.</summary>
    public async Task<IReadOnlyList<NotificationView>> NotificationsAsync(string customerId) =>
        await As(customerId).GetFromJsonAsync<List<NotificationView>>($"/customers/{Uri.EscapeDataString(customerId)}/notifications", Json) ?? [];

    public async Task<JsonElement> AnalyticsAsync()
    {
        using var document = JsonDocument.Parse(await Operator.GetStringAsync(new Uri("/analytics", UriKind.Relative)));
        return document.RootElement.Clone();
    }

    /// <summary>Whether the endpoint's inbox recorded <paramref name="messageId"/> as handled.</summary>
    public async Task<bool> InboxHasAsync(string endpoint, string messageId) =>
        await ScalarAsync<long>("SELECT COUNT(*) FROM sb_inbox WHERE endpoint = $a AND message_id = $b", endpoint, messageId) > 0;

    /// <summary>
    /// Waits until every accepted order has its terminal event in the ledger and the bus is quiet (no message ready
    /// or in flight on any queue, the outbox empty, several looks in a row), then checks every invariant from the
    /// outside as the demo does, and that nothing was dead-lettered.
    /// </summary>
    public async Task<InvariantReport> CheckInvariantsAsync()
    {
        await WaitUntilAsync(
            () => Task.FromResult(_placed.Keys.All(HasTerminalEvent)),
            () => $"a terminal event in the ledger for every order ({_placed.Keys.Count(HasTerminalEvent)} of {_placed.Count})");
        await WaitForQuietAsync();

        var stock = await StockAsync();
        var notifications = new List<SentNotification>();
        foreach (var customer in _placed.Values.Distinct())
        {
            notifications.AddRange((await NotificationsAsync(customer)).Select(n => new SentNotification(customer, $"{n.OrderId}:{n.Kind}")));
        }

        var report = InvariantCheck.Check(Ledger, _placed.Keys, stock, notifications);
        Assert.True(report.Passed, "invariants broken:\n" + string.Join("\n", report.Violations));
        var deadLetters = await ScalarAsync<long>("SELECT COUNT(*) FROM sb_dead_letters");
        Assert.True(deadLetters == 0, $"{deadLetters} message(s) dead-lettered: {await ScalarAsync<string>("SELECT group_concat(queue || ' ' || message_type, '; ') FROM sb_dead_letters")}");
        return report;
    }

    /// <summary>
    /// No message ready, leased or due within a minute (a delayed retry: Notification retries an event that overtook
    /// its order's <c>OrderCreated</c>) on any queue, and no outbox entry waiting, several times in a row. The stuck-order
    /// timeouts, due in minutes, do not count.
    /// </summary>
    public async Task WaitForQuietAsync()
    {
        var quietLooks = 0;
        long busy = -1;
        await WaitUntilAsync(
            async () =>
            {
                var soon = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();
                busy = await ScalarAsync<long>("SELECT COUNT(*) FROM sb_messages WHERE lease IS NOT NULL OR visible_at <= $a", soon)
                    + await ScalarAsync<long>("SELECT COUNT(*) FROM sb_outbox WHERE quarantined = 0");
                quietLooks = busy == 0 ? quietLooks + 1 : 0;
                return quietLooks >= 5;
            },
            () => $"the bus to be quiet ({busy} message(s) pending)");
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"Timed out after {Patience.TotalSeconds:0} s waiting for {what()}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _handler.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still hold the file for a moment; the temp directory is left behind.
        }
    }

    private HttpClient Client(string subject, bool @operator) =>
        _clients.GetOrAdd((subject, @operator), key => new HttpClient(_handler, disposeHandler: false)
        {
            BaseAddress = Address,
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key.Operator ? Tokens.ForOperator(key.Subject) : Tokens.ForCustomer(key.Subject)) },
        });

    private bool HasTerminalEvent(Guid order) =>
        Ledger.Of<OrderCompleted>().Any(e => e.OrderId == order)
        || Ledger.Of<OrderFailed>().Any(e => e.OrderId == order)
        || Ledger.Of<OrderCancelled>().Any(e => e.OrderId == order);

    // Reads the SQLite file directly (read-only, no pooling): the bus's queues, outbox, inbox and dead letters.
    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue("$" + (char)('a' + i), parameters[i]);
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
