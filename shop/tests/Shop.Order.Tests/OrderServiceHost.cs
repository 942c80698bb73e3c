using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.Sqlite;

namespace Shop.Order.Tests;

/// <summary>The Order Service for real, on a fresh SQLite file, behind a test server; a probe endpoint records what it publishes.</summary>
internal sealed class OrderServiceHost : IAsyncDisposable
{
    private readonly string _path;
    private readonly ShopTokens _tokens;

    private OrderServiceHost(string path, WebApplication app, ShopTokens tokens)
    {
        _path = path;
        App = app;
        _tokens = tokens;
        Client = As("cust-1");
        Operator = Authorized(tokens.ForOperator());
    }

    public WebApplication App { get; }

    /// <summary>A client with the token of <c>cust-1</c>, the customer of <see cref="ValidOrder"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>A client with an operator's token.</summary>
    public HttpClient Operator { get; }

    /// <summary>A client with <paramref name="customerId"/>'s token.</summary>
    public HttpClient As(string customerId) => Authorized(_tokens.ForCustomer(customerId));

    public Published Published => App.Services.GetRequiredService<Published>();

    public IBus Bus => App.Services.GetRequiredService<IBus>();

    public IEventStore Store => App.Services.GetRequiredService<IEventStore>();

    public static async Task<OrderServiceHost> StartAsync(OrderOptions? options = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "shop-order-tests");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        var keyFile = path + ".key";
        builder.Services.AddShopHttp(new ShopAuthenticationOptions { SigningKeyFile = keyFile });
        builder.Services.AddSingleton(new Published());
        builder.Services.AddSwitchboard(bus => bus
            .AddShopMessages()
            .UseSqlite(path)
            .UseSqliteStore()
            .UseSqliteEventStore()
            .AddOrderService(ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(path)), options ?? new OrderOptions())
            .Endpoint("probe", e => e
                .Handle<OrderCreated, Probe>()
                .Handle<OrderCompleted, Probe>()
                .Handle<OrderFailed, Probe>()
                .Handle<OrderCancelled, Probe>()));
        var app = builder.Build();
        app.UseShopHttp();
        app.MapOrderApi();
        await app.StartAsync();
        return new OrderServiceHost(path, app, ShopTokens.FromKeyFile(keyFile));
    }

    public static object ValidOrder(string customerId = "cust-1", params (string Sku, int Quantity)[] lines) => new
    {
        customerId,
        email = "ada@example.com",
        lines = (lines.Length == 0 ? [("SKU-0001", 2), ("SKU-0004", 1)] : lines).Select(l => new { sku = l.Sku, quantity = l.Quantity }).ToArray(),
        paymentToken = "tok_visa",
        shippingAddress = new { name = "Ada Lovelace", line1 = "12 Analytical St", city = "London", postalCode = "N1 9GU", country = "GB" },
    };

    /// <summary>POSTs <paramref name="body"/> as <paramref name="customerId"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(object body, string? idempotencyKey = null, string customerId = "cust-1")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await As(customerId).SendAsync(request);
    }

    /// <summary>Places a valid order and returns its id.</summary>
    public async Task<Guid> PlaceAsync(string customerId = "cust-1")
    {
        using var response = await PostAsync(ValidOrder(customerId), customerId: customerId);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.OriginalString["/orders/".Length..]);
    }

    /// <summary><c>GET /orders/{id}</c> as an operator; null when 404.</summary>
    public async Task<OrderDto?> GetAsync(Guid id)
    {
        using var response = await Operator.GetAsync($"/orders/{id}");
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<OrderDto>();
    }

    /// <summary>Polls the API until the order has <paramref name="status"/>.</summary>
    public async Task<OrderDto> WaitForStatusAsync(Guid id, string status)
    {
        OrderDto? order = null;
        await Eventually.HoldsAsync(async () => (order = await GetAsync(id))?.Status == status, $"order {id} to be {status} (is {order?.Status})");
        return order!;
    }

    private HttpClient Authorized(string token)
    {
        var client = App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<IReadOnlyList<RecordedEvent>> StreamAsync(Guid id) =>
        await Store.ReadStreamAsync($"order-{id:D}", 1, ReadDirection.Forwards, 1000);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Operator.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm", _path + ".key" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Still open somewhere; the temp folder is cleaned eventually.
            }
        }
    }
}

internal sealed record OrderDto(Guid Id, string CustomerId, string Email, string Status, decimal Total, string Currency, string? Reason, DateTimeOffset? FinishedAt, List<TimelineDto> Timeline);

internal sealed record TimelineDto(DateTimeOffset At, string Event, string Detail);

/// <summary>What the probe endpoint received: message ids and messages.</summary>
internal sealed class Published
{
    public ConcurrentQueue<(string MessageId, object Message)> Messages { get; } = new();

    public IReadOnlyList<(string MessageId, T Message)> Of<T>() =>
        Messages.Where(m => m.Message is T).Select(m => (m.MessageId, (T)m.Message)).ToList();
}

internal sealed class Probe(Published published) :
    IMessageHandler<OrderCreated>, IMessageHandler<OrderCompleted>, IMessageHandler<OrderFailed>, IMessageHandler<OrderCancelled>
{
    public ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    public ValueTask HandleAsync(OrderCompleted message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    public ValueTask HandleAsync(OrderFailed message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    public ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    private ValueTask Record(object message, IMessageContext context)
    {
        published.Messages.Enqueue((context.MessageId, message));
        return ValueTask.CompletedTask;
    }
}

internal static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(25);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);
}
