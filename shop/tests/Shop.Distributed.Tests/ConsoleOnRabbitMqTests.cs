using Switchboard;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Downstream.Tests;
using Shop.Http;

namespace Shop.Distributed.Tests;

/// <summary>
/// The console on RabbitMQ and PostgreSQL (issue 16): a shop whose mail server refuses mail dead-letters its
/// notifications into RabbitMQ's dead-letter queue; the console lists, inspects, refuses a bad purge and re-drives them,
/// and reports the broker's queue figures, the PostgreSQL outbox, the event-sourced saga and the projections.
/// </summary>
public sealed class ConsoleOnRabbitMqTests : IAsyncLifetime
{
    private readonly TestEnvironment _environment = new("console");

    public Task InitializeAsync() => _environment.InitializeAsync();

    public Task DisposeAsync() => _environment.DisposeAsync();

    [Fact]
    public async Task Dead_letters_on_RabbitMQ_are_listed_inspected_and_redriven_and_every_page_reads_PostgreSQL()
    {
        await using var smtp = FakeSmtpServer.Start();
        smtp.Refusing = true;
        var options = new ShopHostOptions
        {
            Transport = ShopTransport.RabbitMq,
            Store = ShopStore.Postgres,
            RabbitMq = TestServers.AmqpUriFor(_environment.Vhost),
            Postgres = TestServers.PostgresConnectionFor(_environment.Database, 30),
            DataDirectory = _environment.Directory.FullName,
            Url = "http://127.0.0.1:0",
            Smtp = SmtpArguments.Parse($"127.0.0.1:{smtp.Port}", "Shop <orders@shop.test>", "none"),
            NotificationRetry = new RetryPolicy { ImmediateRetries = 0, DelayedRetries = 4, BaseDelay = TimeSpan.FromMilliseconds(250) },
        };
        await using var app = ShopHost.Build(options, logLevel: LogLevel.Error);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var tokens = ShopTokens.FromKeyFile(options.SigningKeyFile);
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.ForOperator("ops"));

        using var placed = await http.PostAsJsonAsync("/orders", new
        {
            email = "grace@example.com",
            lines = new[] { new { sku = "SKU-0003", quantity = 1 } },
            paymentToken = "tok_visa",
            shippingAddress = new { name = "Ada Lovelace", line1 = "1 Analytical Row", city = "London", postalCode = "N1 7AA", country = "GB" },
        });
        Assert.True(placed.IsSuccessStatusCode, await placed.Content.ReadAsStringAsync());
        var order = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        JsonElement list = default;
        await WaitUntilAsync(async () =>
        {
            list = await http.GetFromJsonAsync<JsonElement>("/switchboard/api/dead-letters?endpoint=notification");
            return list.GetProperty("total").GetInt64() == 3;
        }, () => $"three notifications dead-lettered into RabbitMQ (last: {list})");
        var first = list.GetProperty("items").EnumerateArray().First();
        Assert.Equal(order, first.GetProperty("correlationId").GetString());
        var detail = await http.GetFromJsonAsync<JsonElement>($"/switchboard/api/dead-letters/notification/{Uri.EscapeDataString(first.GetProperty("id").GetString()!)}");
        Assert.Contains(order, detail.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("stackTrace").GetString()));

        using (var purge = await http.PostAsync("/switchboard/api/dead-letters/notification/purge", new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, purge.StatusCode);
        }

        var endpoints = await http.GetFromJsonAsync<JsonElement>("/switchboard/api/endpoints");
        var notification = endpoints.EnumerateArray().Single(e => e.GetProperty("queue").GetString() == "notification");
        Assert.Equal(3, notification.GetProperty("deadLetters").GetInt64());
        Assert.Equal(1, notification.GetProperty("consumers").GetInt32()); // RabbitMQ counts this process's consumer
        Assert.Equal(0, notification.GetProperty("ready").GetInt64());

        var outbox = await http.GetFromJsonAsync<JsonElement>("/switchboard/api/outbox");
        Assert.Equal(0, outbox.GetProperty("quarantined").GetInt64());
        var saga = (await http.GetFromJsonAsync<JsonElement>("/switchboard/api/sagas")).EnumerateArray().Single().GetProperty("name").GetString();
        var instance = await http.GetFromJsonAsync<JsonElement>($"/switchboard/api/sagas/{saga}/{order}");
        Assert.True(instance.GetProperty("events").GetArrayLength() >= 3);
        Assert.Equal(JsonValueKind.Null, instance.GetProperty("pendingTimeouts").ValueKind); // RabbitMQ lists no scheduled messages
        var projections = await http.GetFromJsonAsync<JsonElement>("/switchboard/api/projections");
        Assert.True(projections.GetProperty("head").GetInt64() > 0);
        var flow = await http.GetFromJsonAsync<JsonElement>($"/switchboard/api/flows/{order}");
        Assert.Contains(flow.GetProperty("timeline").EnumerateArray(), r => r.GetProperty("outcome").GetString() == "dead-lettered");

        smtp.Refusing = false;
        using (var redrive = await http.PostAsync("/switchboard/api/dead-letters/notification/redrive", new StringContent("""{"all":true}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(3, (await redrive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("redriven").GetInt32());
        }

        await WaitUntilAsync(() => Task.FromResult(smtp.Received.Count == 3), () => $"three mails after the re-drive ({smtp.Received.Count})");
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/switchboard/api/dead-letters?endpoint=notification")).GetProperty("total").GetInt64());
        await app.StopAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what());
            await Task.Delay(100);
        }
    }
}
