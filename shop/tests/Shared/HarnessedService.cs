using Microsoft.Data.Sqlite;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard.Configuration;
using Switchboard.Sqlite;
using Switchboard.Testing;

namespace Shop.Testing;

/// <summary>
/// One Shop service under the Switchboard test harness: its registrations on the harness's in-memory transport and
/// fake clock, its store and its tables on a fresh SQLite file (kept: its handlers share the store's SQL).
/// </summary>
internal sealed class HarnessedService : IAsyncDisposable
{
    private HarnessedService(string path, SwitchboardTestHarness harness, ShopDatabase database)
    {
        Path = path;
        Harness = harness;
        Database = database;
    }

    public string Path { get; }

    public SwitchboardTestHarness Harness { get; }

    public ShopDatabase Database { get; }

    /// <summary>Starts the service that <paramref name="addService"/> registers (e.g. <c>AddPaymentService</c>) on its own database.</summary>
    public static async Task<HarnessedService> StartAsync(Action<SwitchboardBuilder, ShopDatabase> addService)
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "shop-tests");
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db");
        var database = ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(path));
        var harness = await SwitchboardTestHarness.StartAsync(
            bus => addService(bus.AddShopMessages().UseSqliteStore(new SqliteTransportOptions { Path = path }), database),
            options: new SwitchboardTestHarnessOptions { KeepStores = true });
        return new HarnessedService(path, harness, database);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object?[] parameters)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.Command(null, sql, parameters);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
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
