using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.EndToEnd.Tests;

/// <summary>Shop's health endpoints (issue 16): liveness, the overall status from every check, and the checks for operators.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task A_running_shop_is_live_ready_and_healthy_and_operators_see_each_check()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        await shop.PlaceAsync("alice", "tok_visa", new Line("SKU-0001", 1));

        Assert.Equal("""{"status":"ok"}""", await shop.Http.GetStringAsync(new Uri("/health/live", UriKind.Relative)));
        Assert.Equal("""{"status":"ready"}""", await shop.Http.GetStringAsync(new Uri("/health/ready", UriKind.Relative)));
        Assert.Equal("""{"status":"healthy"}""", await shop.Http.GetStringAsync(new Uri("/health", UriKind.Relative)));

        var details = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/health/details", UriKind.Relative));
        var checks = details.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
        foreach (var name in new[] { "switchboard-bus", "switchboard-event-sourcing", "switchboard-outbox", "switchboard-dead-letters", "switchboard-subscription-lag" })
        {
            Assert.True(checks.TryGetValue(name, out var check), $"no check '{name}' among {string.Join(", ", checks.Keys)}");
            Assert.Equal("healthy", check.GetProperty("status").GetString());
            Assert.False(string.IsNullOrWhiteSpace(check.GetProperty("description").GetString()));
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await shop.As("alice").GetAsync(new Uri("/health/details", UriKind.Relative))).StatusCode);
    }
}
