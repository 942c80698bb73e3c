using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;

namespace Shop.Tests;

public sealed class ConcurrencyOptionTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("shop-concurrency-");

    [Fact]
    public async Task Each_service_endpoint_handles_its_own_default_number_of_messages_at_once()
    {
        var endpoints = await EndpointsAsync(new ShopHostOptions { DataDirectory = _directory.FullName });

        Assert.Equal(32, endpoints["order"]);
        Assert.Equal(32, endpoints["payment"]);
        Assert.Equal(4, endpoints["inventory"]);
        Assert.Equal(4, endpoints["shipping"]);
        Assert.Equal(4, endpoints["notification"]);
        Assert.Equal(4, endpoints["analytics"]);
    }

    [Fact]
    public async Task Concurrency_sizes_every_service_endpoint_of_the_process()
    {
        var endpoints = await EndpointsAsync(new ShopHostOptions { DataDirectory = _directory.FullName, Concurrency = 3 });

        foreach (var service in ShopServices.Names)
        {
            Assert.Equal(3, endpoints[service]);
        }
    }

    private static async Task<Dictionary<string, int>> EndpointsAsync(ShopHostOptions options)
    {
        await using var shop = ShopHost.Build(options);
        return shop.Services.GetRequiredService<BusConfiguration>().Endpoints.ToDictionary(e => e.Queue, e => e.Options.Concurrency, StringComparer.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
