using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Switchboard;
using Microsoft.AspNetCore.Hosting;
using Switchboard.Configuration;
using Switchboard.Sqlite;

namespace Shop.Inventory.Tests;

public sealed class InventoryApiTests
{
    [Fact]
    public async Task Get_inventory_returns_every_sku_with_its_stock_to_operators_only()
    {
        var path = Path.Combine(Path.GetTempPath(), "shop-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var keyFile = path + ".key";
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddShopHttp(new ShopAuthenticationOptions { SigningKeyFile = keyFile });
        builder.Services.AddSwitchboard(bus => bus.AddShopMessages().UseSqlite(path).UseSqliteStore().AddInventoryService(ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(path)), InventoryServiceTests.Options));
        var app = builder.Build();
        app.UseShopHttp();
        app.MapInventoryApi();
        await app.StartAsync();
        try
        {
            await app.Services.GetRequiredService<IBus>().PublishAsync(InventoryServiceTests.Paid(Guid.NewGuid(), InventoryServiceTests.Line("SKU-0010", 2)));
            var tokens = ShopTokens.FromKeyFile(keyFile);
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using (var anonymous = await client.GetAsync(new Uri("/inventory", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.ForCustomer("cust-1"));
            using (var customer = await client.GetAsync(new Uri("/inventory", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
            }

            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.ForOperator());
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
