using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Microsoft.AspNetCore.Hosting;
using Switchboard.Configuration;

namespace Shop.Inventory.Tests;

public sealed class InventoryApiTests
{
    [Fact]
    public async Task Get_inventory_returns_every_sku_with_its_stock()
    {
        var path = Path.Combine(Path.GetTempPath(), "shop-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSwitchboard(bus => bus.AddShopMessages().UseSqlite(path).UseSqliteStore().AddInventoryService(ShopDatabase.Sqlite(path), InventoryServiceTests.Options));
        var app = builder.Build();
        app.MapInventoryApi();
        await app.StartAsync();
        try
        {
            await app.Services.GetRequiredService<IBus>().PublishAsync(InventoryServiceTests.Paid(Guid.NewGuid(), InventoryServiceTests.Line("SKU-0010", 2)));
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var deadline = DateTime.UtcNow.AddSeconds(20);
            List<InventoryItem> items;
            do
            {
                items = (await client.GetFromJsonAsync<List<InventoryItem>>("/inventory"))!;
                await Task.Delay(10);
            }
            while (items.Single(i => i.Sku == "SKU-0010").Reserved == 0 && DateTime.UtcNow < deadline);

            Assert.Equal(Catalog.Products.Select(p => p.Sku), items.Select(i => i.Sku));
            Assert.Equal(new InventoryItem("SKU-0010", "Signed barista handbook", 3, 2), items.Single(i => i.Sku == "SKU-0010"));
            Assert.Equal(new InventoryItem("SKU-0001", "Espresso cup", 100_000, 0), items[0]);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }
}
