using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Configuration;
using Switchboard.Sqlite;

namespace Shop.Testing;

/// <summary>What the probe endpoint received, in order.</summary>
public sealed class Recorder
{
    private readonly ConcurrentQueue<object> _messages = new();

    public void Add(object message) => _messages.Enqueue(message);

    public IReadOnlyList<T> Of<T>() => _messages.OfType<T>().ToList();

    public async Task<IReadOnlyList<T>> WaitForAsync<T>(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Of<T>().Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} {typeof(T).Name}, got {Of<T>().Count}.");
            }

            await Task.Delay(10);
        }

        return Of<T>();
    }
}

/// <summary>The probe endpoint's handler: records every message of <typeparamref name="T"/>.</summary>
public sealed class Record<T>(Recorder recorder) : IMessageHandler<T>
    where T : notnull
{
    public ValueTask HandleAsync(T message, IMessageContext context, CancellationToken cancellationToken)
    {
        recorder.Add(message);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A service running for real on a fresh SQLite file, with a probe endpoint recording Shop's events.</summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    private ServiceHarness(string path)
    {
        Path = path;
        Database = ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(path));
    }

    public string Path { get; }

    public ShopDatabase Database { get; }

    public Recorder Recorder { get; } = new();

    public IServiceProvider Services => _hosts[0].Services;

    public IBus Bus => Services.GetRequiredService<IBus>();

    /// <summary>Starts one host running the service (<paramref name="addService"/>) and the probe.</summary>
    public static async Task<ServiceHarness> StartAsync(Action<SwitchboardBuilder, ShopDatabase> addService, int instances = 1)
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "shop-tests");
        Directory.CreateDirectory(directory);
        var harness = new ServiceHarness(System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db"));
        for (var instance = 0; instance < instances; instance++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(harness.Recorder);
            var probe = instance == 0;
            builder.Services.AddSwitchboard(bus =>
            {
                bus.AddShopMessages().UseSqlite(harness.Path).UseSqliteStore();
                addService(bus, harness.Database);
                if (probe)
                {
                    bus.Endpoint("probe", e => e
                        .Handle<PaymentProcessed, Record<PaymentProcessed>>()
                        .Handle<PaymentFailed, Record<PaymentFailed>>()
                        .Handle<PaymentRefunded, Record<PaymentRefunded>>()
                        .Handle<InventoryUpdated, Record<InventoryUpdated>>()
                        .Handle<InventoryUpdateFailed, Record<InventoryUpdateFailed>>());
                }
            });
            var host = builder.Build();
            await host.StartAsync();
            harness._hosts.Add(host);
        }

        return harness;
    }

    /// <summary>Waits until <paramref name="queue"/> holds no message (everything published to it was handled and acknowledged).</summary>
    public async Task WaitUntilDrainedAsync(string queue, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (await ScalarAsync<long>("SELECT COUNT(*) FROM sb_messages WHERE queue = @p0", queue) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Queue '{queue}' still holds messages.");
            }

            await Task.Delay(10);
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, params object?[] parameters)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.Command(null, sql, parameters);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }
}
