using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Distributed.Tests;
using Shop.Http;
using Shop.Invariants;
using Switchboard.Configuration;
using Xunit.Abstractions;

namespace Shop.Crash.Tests;

/// <summary>
/// Shop on the embedded default with its services split over <c>shop run</c> processes that share one data directory
/// (one SQLite file), as a user runs it on one machine. This process runs a small bus on the same file with the audit
/// endpoint (<see cref="EventLedgerEndpoint.AddEventLedger"/>), started first so that it sees every event, and reads the
/// shop's state over HTTP (customers' and an operator's tokens signed with the data directory's development key), from
/// the SQLite file (queues) and from the simulated payment gateway's own file.
/// </summary>
internal sealed class EmbeddedShop : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("shop-embedded-");
    private readonly Dictionary<string, (string Services, string[] Arguments, Uri Url)> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ShopProcess> _running = new(StringComparer.Ordinal);
    private readonly List<ShopProcess> _exited = [];
    private readonly ITestOutputHelper _output;
    private IHost? _audit;

    private EmbeddedShop(ITestOutputHelper output) => _output = output;

    public EventLedger Ledger { get; } = new();

    /// <summary>Tokens signed with the data directory's development key, which every process of the shop validates with.</summary>
    public ShopTokens Tokens { get; private set; } = null!;

    public string DataDirectory => Path.Combine(_directory.FullName, "data");

    private string ShopFile => Path.Combine(DataDirectory, "shop.db");

    private string GatewayFile => Path.Combine(DataDirectory, "payment-gateway.db");

    /// <summary>Runs <paramref name="test"/> on a fresh shop; when it fails, every process's output goes to the test's log first.</summary>
    public static async Task RunAsync(ITestOutputHelper output, Func<EmbeddedShop, Task> test)
    {
        await using var shop = await CreateAsync(output);
        try
        {
            await test(shop);
        }
        catch
        {
            shop.DumpOutput();
            throw;
        }
    }

    /// <summary>A fresh data directory with the audit bus running on its SQLite file.</summary>
    private static async Task<EmbeddedShop> CreateAsync(ITestOutputHelper output)
    {
        var shop = new EmbeddedShop(output);
        Directory.CreateDirectory(shop.DataDirectory);
        shop.Tokens = new ShopTokens(DevelopmentSigningKey.LoadOrCreate(Path.Combine(shop.DataDirectory, DevelopmentSigningKey.FileName)));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSwitchboard(bus => bus.AddShopMessages().UseSqlite(shop.ShopFile).AddEventLedger(shop.Ledger));
        shop._audit = builder.Build();
        await shop._audit.StartAsync();
        return shop;
    }

    /// <summary>Declares the process <paramref name="role"/>: which services it runs, with which extra arguments.</summary>
    public void Define(string role, string services, params string[] arguments) =>
        _roles[role] = (services, ["--data", DataDirectory, .. arguments], new Uri($"http://127.0.0.1:{FreePort()}"));

    /// <summary>Starts the process of <paramref name="role"/> (on the loopback port it always has) and waits until it serves.</summary>
    public async Task StartAsync(string role)
    {
        var (services, arguments, url) = _roles[role];
        var process = ShopProcess.Start(services, 1, arguments, _directory.FullName, Tokens, url);
        _running[role] = process;
        await process.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Stops the process of <paramref name="role"/> gracefully (as on SIGTERM: it drains and exits 0).</summary>
    public async Task StopAsync(string role)
    {
        var process = _running[role];
        _running.Remove(role);
        _exited.Add(process);
        Assert.True(await process.StopAsync(TimeSpan.FromSeconds(30)), $"{role} did not stop within 30 s");
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Kills the process of <paramref name="role"/> with SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync(string role)
    {
        var process = _running[role];
        _running.Remove(role);
        _exited.Add(process);
        await process.KillAsync();
    }

    /// <summary>An HTTP client for the process of <paramref name="role"/> (valid across its restarts: same port).</summary>
    public HttpClient Http(string role) => new() { BaseAddress = _roles[role].Url, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Places an order of <paramref name="customer"/> for <paramref name="quantity"/> × <paramref name="sku"/> through
    /// <c>POST /orders</c> under <paramref name="idempotencyKey"/>, with the customer's token, retrying the same request
    /// (same key) while the process is down or restarting, as a client should; returns the order id.
    /// </summary>
    public async Task<Guid> PlaceAsync(HttpClient http, string customer, string sku, int quantity, string idempotencyKey)
    {
        var order = new
        {
            email = customer + "@example.com",
            lines = new[] { new { sku, quantity } },
            paymentToken = "tok_visa",
            shippingAddress = new { name = "Ada Lovelace", line1 = "1 Analytical Row", city = "London", postalCode = "N1 7AA", country = "GB" },
        };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(order, options: Json) };
                request.Headers.Add("Idempotency-Key", idempotencyKey);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.ForCustomer(customer));
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return Guid.Parse(response.Headers.Location!.OriginalString.Split('/')[^1]);
                }

                Assert.True((int)response.StatusCode >= 500, $"POST /orders answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException)
            {
                // Down or restarting.
            }
            catch (TaskCanceledException)
            {
                // Killed while answering.
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"POST /orders with key {idempotencyKey} was not accepted within {clock.Elapsed}");
            await Task.Delay(200);
        }
    }

    /// <summary><c>GET {path}</c> as an operator (who may read every customer's data), or null when the process is not answering.</summary>
    public async Task<T?> ReadAsync<T>(HttpClient http, string path)
    {
        try
        {
            return await ApiRequests.GetAsync<T>(http, path, Tokens.ForOperator(), CancellationToken.None);
        }
        catch (HttpRequestException)
        {
            return default;
        }
    }

    /// <summary><c>GET /orders/{id}</c>, or null when the process is not answering.</summary>
    public Task<OrderView?> GetOrderAsync(HttpClient http, Guid id) => ReadAsync<OrderView>(http, $"/orders/{id}");

    /// <summary>The customer's notifications as (order, kind).</summary>
    public async Task<IReadOnlyList<SentNotification>> NotificationsAsync(HttpClient http, string customer)
    {
        var list = await ReadAsync<List<NotificationView>>(http, $"/customers/{customer}/notifications") ?? throw new InvalidOperationException("Notification did not answer");
        return [.. list.Select(n => new SentNotification(customer, $"{n.OrderId}:{n.Kind}"))];
    }

    /// <summary>Stock as Inventory reports it.</summary>
    public async Task<IReadOnlyList<StockLevel>> StockAsync(HttpClient http) =>
        await ReadAsync<List<StockLevel>>(http, "/inventory") ?? throw new InvalidOperationException("Inventory did not answer");

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <paramref name="patience"/>.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            foreach (var (role, process) in _running)
            {
                Assert.False(process.HasExited, $"{role} exited with {(process.HasExited ? process.ExitCode : 0)}");
            }

            Assert.True(clock.Elapsed < patience, $"Timed out after {patience} waiting for {what}");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Messages still to be handled in the shop's queues (the order saga's scheduled timeouts aside) plus dead letters:
    /// zero when everything that happened has been handled.
    /// </summary>
    public async Task<(long Pending, long DeadLetters)> QueuesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={ShopFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM sb_messages WHERE message_type <> 'shop.order-stuck-timeout.v1'), (SELECT COUNT(*) FROM sb_dead_letters)";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The dead letters' queues, types and reasons (for a failure message).</summary>
    public async Task<string> DeadLettersAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={ShopFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT queue, message_type, headers FROM sb_dead_letters LIMIT 5";
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add($"{reader.GetString(0)} {reader.GetString(1)} {(reader.IsDBNull(2) ? "" : reader.GetString(2))}");
        }

        return string.Join('\n', lines);
    }

    /// <summary>What the simulated gateway (the remote side) holds for the charge of <paramref name="orderId"/>: charged and refunded cents, and refunds made.</summary>
    public async Task<(long Charged, long Refunded, long Refunds)> GatewayAsync(Guid orderId)
    {
        await using var connection = new SqliteConnection($"Data Source={GatewayFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT c.amount_cents, c.refunded_cents, (SELECT COUNT(*) FROM gateway_refunds r WHERE r.charge_id = c.charge_id) " +
            "FROM gateway_charges c WHERE c.idempotency_key = $key AND c.charge_id IS NOT NULL";
        command.Parameters.AddWithValue("$key", orderId.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : (0, 0, 0);
    }

    // Every process's output to the test log (on failure).
    private void DumpOutput()
    {
        foreach (var process in _exited.Concat(_running.Values))
        {
            _output.WriteLine($"===== {process.Name} ({process.Url}){(process.HasExited ? $", exited with {process.ExitCode}" : "")} =====");
            _output.WriteLine(process.Output());
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _running.Values.Concat(_exited))
        {
            await process.DisposeAsync();
        }

        if (_audit is not null)
        {
            await _audit.StopAsync();
            _audit.Dispose();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still open somewhere; the temp folder is cleaned eventually.
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An order as <c>GET /orders/{id}</c> shows it.</summary>
    public sealed record OrderView(Guid Id, string Status, string? Reason, IReadOnlyList<TimelineEntry> Timeline);

    /// <summary>One entry of an order's timeline.</summary>
    public sealed record TimelineEntry(string Event, string Detail);

    private sealed record NotificationView(Guid OrderId, string Kind);
}
