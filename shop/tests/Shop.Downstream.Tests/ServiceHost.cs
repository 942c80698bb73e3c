using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Configuration;
using Switchboard.Sqlite;

namespace Shop.Downstream.Tests;

/// <summary>What the probe endpoint received.</summary>
public sealed class Recorder<T>
{
    public ConcurrentQueue<T> Received { get; } = new();
}

public sealed class RecordingHandler<T>(Recorder<T> recorder) : IMessageHandler<T>
    where T : notnull
{
    public ValueTask HandleAsync(T message, IMessageContext context, CancellationToken cancellationToken)
    {
        recorder.Received.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// One service for real on a fresh SQLite file: the bus on that file, the service, a <c>probe</c> endpoint recording
/// <see cref="OrderShipped"/> and <see cref="ShipmentCancelled"/>, and the HTTP API on a random loopback port.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _path;
    private readonly Uri _address;
    private readonly ShopTokens _tokens;

    private ServiceHost(WebApplication app, string path, ShopDatabase database, Uri address, ShopTokens tokens)
    {
        _app = app;
        _path = path;
        _address = address;
        _tokens = tokens;
        Database = database;
        Http = new HttpClient { BaseAddress = address };
        Operator = Authorized(tokens.ForOperator());
    }

    public ShopDatabase Database { get; }

    /// <summary>A client without a token.</summary>
    public HttpClient Http { get; }

    /// <summary>A client with an operator's token.</summary>
    public HttpClient Operator { get; }

    /// <summary>A new client with <paramref name="customerId"/>'s token.</summary>
    public HttpClient As(string customerId) => Authorized(_tokens.ForCustomer(customerId));

    public IBus Bus => _app.Services.GetRequiredService<IBus>();

    public Recorder<OrderShipped> Shipped => _app.Services.GetRequiredService<Recorder<OrderShipped>>();

    public Recorder<ShipmentCancelled> ShipmentsCancelled => _app.Services.GetRequiredService<Recorder<ShipmentCancelled>>();

    /// <summary>Starts the service on a fresh file; <paramref name="before"/> runs on that file first (to leave what an earlier version would have).</summary>
    public static async Task<ServiceHost> StartAsync(Action<SwitchboardBuilder, ShopDatabase> addService, Action<WebApplication>? map = null, Func<ShopDatabase, Task>? before = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "shop-downstream-tests");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db");
        var database = ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(path));
        if (before is not null)
        {
            await before(database);
        }

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Error);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddShopHttp(new ShopAuthenticationOptions { SigningKeyFile = path + ".key" });
        builder.Services.AddSingleton(new Recorder<OrderShipped>());
        builder.Services.AddSingleton(new Recorder<ShipmentCancelled>());
        builder.Services.AddSwitchboard(bus =>
        {
            bus.AddShopMessages().UseSqlite(path).UseSqliteStore();
            addService(bus, database);
            bus.Endpoint("probe", e => e
                .Handle<OrderShipped, RecordingHandler<OrderShipped>>()
                .Handle<ShipmentCancelled, RecordingHandler<ShipmentCancelled>>());
        });
        var app = builder.Build();
        app.UseShopHttp();
        map?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServiceHost(app, path, database, new Uri(address), ShopTokens.FromKeyFile(path + ".key"));
    }

    public async Task<long> ScalarAsync(string sql, params object?[] parameters)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.Command(null, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (at most 20 s), then asserts it.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 400 && !await condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition());
    }

    /// <summary>Waits until nothing is left in <paramref name="queue"/> (every message handled and acknowledged).</summary>
    public Task DrainedAsync(string queue) => WaitUntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM sb_messages WHERE queue = @p0", queue) == 0);

    private HttpClient Authorized(string token) =>
        new() { BaseAddress = _address, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Operator.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
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
