using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Shop.Http;

namespace Shop.Tests;

/// <summary>
/// <c>shop load</c> against a shop running in this process on a fresh SQLite file: a short open-loop run places every
/// order, waits for each to be terminal and reports the benchmark line; a run that cannot finish in time says so.
/// Nothing here asserts a timing.
/// </summary>
public sealed class LoadTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("shop-load-test-");
    private WebApplication? _shop;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        _url = new Uri($"http://127.0.0.1:{FreePort()}");
        _shop = ShopHost.Build(new ShopHostOptions { DataDirectory = _data.FullName, Url = _url.ToString().TrimEnd('/') });
        await _shop.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_shop is not null)
        {
            await _shop.StopAsync();
            await _shop.DisposeAsync();
        }

        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task An_open_loop_run_finishes_every_order_and_prints_the_benchmark_line()
    {
        var result = await new LoadRun(_url, Tokens, 150, 50, TimeSpan.FromSeconds(90), TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.True(result.Correct);
        Assert.Equal(150, result.Accepted);
        Assert.Equal(150, result.Terminal);
        Assert.Equal(150, result.Completed + result.Failed + result.Cancelled);
        Assert.True(result.Completed > 100 && result.Failed > 0, $"{result.Completed} completed, {result.Failed} failed: the mix declines some cards");
        using var line = JsonDocument.Parse(result.ToJsonLine());
        var json = line.RootElement;
        Assert.Equal("switchboard-sqlite", json.GetProperty("system").GetString());
        Assert.Equal("shop", json.GetProperty("scenario").GetString());
        Assert.Equal(150, json.GetProperty("n").GetInt32());
        Assert.Equal(50, json.GetProperty("rate").GetDouble());
        Assert.True(json.GetProperty("correct").GetBoolean());
        Assert.True(json.GetProperty("seconds").GetDouble() > 0);
        Assert.True(json.GetProperty("msgs_per_s").GetDouble() > 0);
        Assert.InRange(json.GetProperty("p50_ms").GetDouble(), 0, json.GetProperty("p99_ms").GetDouble());
    }

    [Fact]
    public async Task A_run_whose_orders_are_not_all_terminal_in_time_is_not_correct()
    {
        var result = await new LoadRun(_url, Tokens, 40, 400, TimeSpan.Zero, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.False(result.Correct);
        Assert.Equal(40, result.Accepted);
        Assert.True(result.Terminal < result.Accepted);
        Assert.False(JsonDocument.Parse(result.ToJsonLine()).RootElement.GetProperty("correct").GetBoolean());
    }

    // The running shop's development key, as shop load finds it through --data.
    private ShopTokens Tokens => ShopTokens.FromKeyFile(Path.Combine(_data.FullName, DevelopmentSigningKey.FileName));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
