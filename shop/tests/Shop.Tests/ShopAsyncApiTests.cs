using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.AsyncApi;
using Switchboard.Interop;

namespace Shop.Tests;

/// <summary>
/// Shop's AsyncAPI document (<c>GET /asyncapi.json</c>) describes the whole system, passes the official parser, and is
/// the same from the embedded default's one process as from each process of the distributed mode (apart from the
/// broker it names).
/// </summary>
public sealed class ShopAsyncApiTests
{
    private static readonly string[] Events =
    [
        "shop.inventory-update-failed.v1", "shop.inventory-updated.v1", "shop.order-cancelled.v1", "shop.order-completed.v1", "shop.order-created.v1",
        "shop.order-failed.v1", "shop.order-shipped.v1", "shop.payment-failed.v1", "shop.payment-processed.v1", "shop.payment-refunded.v1",
        "shop.shipment-cancelled.v1",
    ];

    [Fact]
    public async Task The_embedded_shop_serves_the_whole_system_and_the_official_parser_finds_no_error()
    {
        var data = Directory.CreateTempSubdirectory("shop-asyncapi-");
        try
        {
            await using var shop = ShopHost.Build(new ShopHostOptions { DataDirectory = data.FullName, Url = "http://127.0.0.1:0" });
            await shop.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(shop.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };

            using var response = await http.GetAsync(new Uri("/asyncapi.json", UriKind.Relative)); // no token: anonymous, like /openapi/v1.json
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var file = Path.Combine(data.FullName, "asyncapi.json");
            await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());
            var summary = await AsyncApiParser.AssertValidAsync(file);

            var document = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            Assert.Null(document["servers"]); // the SQLite transport is a file, not a server
            var channels = document["channels"]!.AsObject();
            Assert.Equal(ShopServices.Names.Concat(Events).Append("shop.order-stuck-timeout.v1").Order(StringComparer.Ordinal), channels.Select(c => c.Key));
            Assert.Equal(["analytics", "notification", "order", "payment", "shipping"], channels["shop.order-created.v1"]!["x-switchboard-subscribers"]!.AsArray().Select(s => (string?)s));
            var operations = document["operations"]!.AsObject();
            Assert.Equal(Events.Select(e => "publish." + e).Concat(ShopServices.Names.Select(s => "receive." + s)).Order(StringComparer.Ordinal), operations.Select(o => o.Key));
            Assert.Equal(12, document["components"]!["messages"]!.AsObject().Count);
            Assert.Equal(operations.Count, summary.GetProperty("operations").GetInt32());
            await shop.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Every_process_of_the_distributed_mode_describes_the_same_system_as_the_embedded_shop()
    {
        var data = Directory.CreateTempSubdirectory("shop-asyncapi-");
        try
        {
            var embedded = await DocumentAsync(new ShopHostOptions { DataDirectory = data.FullName, Url = "http://127.0.0.1:0" });
            foreach (var service in ShopServices.Names)
            {
                // Built, not started: nothing connects to these servers.
                var distributed = await DocumentAsync(new ShopHostOptions
                {
                    Services = [service],
                    Transport = ShopTransport.RabbitMq,
                    Store = ShopStore.Postgres,
                    RabbitMq = new Uri($"amqp://shop-{service}:not-in-the-document@rabbit.internal:5672/shop"),
                    Postgres = "Host=db.internal;Username=shop;Password=secret;Database=shop",
                    DataDirectory = data.FullName,
                    Url = "http://127.0.0.1:0",
                });

                var server = distributed["servers"]!["rabbitmq"]!;
                Assert.Equal("rabbit.internal:5672", (string?)server["host"]);
                Assert.Equal("/shop", (string?)server["pathname"]);
                Assert.DoesNotContain("not-in-the-document", distributed.ToJsonString(), StringComparison.Ordinal);
                Assert.DoesNotContain($"shop-{service}", distributed.ToJsonString(), StringComparison.Ordinal);
                distributed.Remove("servers");
                Assert.True(JsonNode.DeepEquals(embedded, distributed), $"{service}'s process describes another system:\n{distributed}\nthan the embedded shop:\n{embedded}");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static async Task<JsonObject> DocumentAsync(ShopHostOptions options)
    {
        await using WebApplication shop = ShopHost.Build(options);
        return shop.Services.GetRequiredService<AsyncApiDocumentProvider>().GetDocument();
    }
}
