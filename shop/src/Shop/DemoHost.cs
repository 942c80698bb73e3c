using System.Net;
using System.Net.Sockets;
using Shop.Http;
using Shop.Invariants;
using Shop.Payment;
using Spectre.Console;

namespace Shop;

/// <summary>
/// <c>shop demo</c>: all six services in this process on the embedded default (a fresh <c>data/shop.db</c>), with the
/// audit endpoint that records every Shop event, then <see cref="Demo"/>'s orders through the real HTTP API. Exit
/// code 1 when an invariant fails.
/// </summary>
public static class DemoHost
{
    /// <summary>Runs the demo; the process exit code.</summary>
    public static async Task<int> RunAsync(int orders, string dataDirectory, CancellationToken cancellationToken)
    {
        DeleteDatabase(dataDirectory);
        var ledger = new EventLedger();
        var options = new ShopHostOptions { DataDirectory = dataDirectory, Url = $"http://127.0.0.1:{FreePort()}", Audit = true, StuckOrderTimeout = TimeSpan.FromSeconds(60) };
        await using var app = ShopHost.Build(options, ledger, Microsoft.Extensions.Logging.LogLevel.Error);
        await app.StartAsync(cancellationToken);
        AnsiConsole.MarkupLine($"[bold]Shop demo[/]: {orders} orders through {options.Url}, all services in this process, data in [grey]{options.SqlitePath}[/]");
        var passed = await Demo.RunAsync(orders, new Uri(options.Url), ShopTokens.FromKeyFile(options.SigningKeyFile), ledger, cancellationToken);
        await app.StopAsync(cancellationToken);
        return passed ? 0 : 1;
    }

    private static void DeleteDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        foreach (var file in new[] { "shop.db", PersistentPaymentGateway.SqliteFileName })
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Path.Combine(dataDirectory, file + suffix));
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
