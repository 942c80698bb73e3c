using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Conformance.Harness;

namespace Switchboard.Console.Tests;

/// <summary>
/// An ordered endpoint's parked keys in the console: listed by the API and on the dead-letter pages with each dead
/// letter's ordering key, counted on the endpoints page, and released by deleting their dead letter; an unordered
/// endpoint has none.
/// </summary>
public sealed class ParkedKeyTests
{
    [Fact]
    public async Task The_api_lists_the_parked_keys_of_an_ordered_endpoint_and_none_of_another()
    {
        await using var host = await ConsoleHost.StartWithTwoParkedKeysAsync();

        var parked = await GetAsync(host, $"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/parked");
        Assert.True(parked.GetProperty("ordered").GetBoolean());
        Assert.Equal(2, parked.GetProperty("total").GetInt64());
        var keys = parked.GetProperty("items").EnumerateArray().ToDictionary(k => k.GetProperty("key").GetString()!);
        Assert.Equal(["k-1", "k-2"], keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, keys["k-1"].GetProperty("waiting").GetInt64());
        Assert.Equal(0, keys["k-2"].GetProperty("waiting").GetInt64());
        var letters = await host.DeadLetters.ListAsync(ConsoleHost.Shipments);
        Assert.Equal(letters.Single(l => l.OrderingKey == "k-1").Id, keys["k-1"].GetProperty("deadLetterId").GetString());

        var page = await GetAsync(host, $"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/parked?skip=1&take=1");
        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(2, page.GetProperty("total").GetInt64());

        // The orders endpoint's dead letter carries a key too, but the endpoint keeps no order: nothing is parked.
        var unordered = await GetAsync(host, $"/switchboard/api/dead-letters/{ConsoleHost.Orders}/parked");
        Assert.False(unordered.GetProperty("ordered").GetBoolean());
        Assert.Equal(0, unordered.GetProperty("total").GetInt64());
        Assert.Empty(unordered.GetProperty("items").EnumerateArray());

        foreach (var (path, status) in new[]
        {
            ("/switchboard/api/dead-letters/nowhere/parked", HttpStatusCode.NotFound),
            ($"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/parked?take=0", HttpStatusCode.BadRequest),
            ($"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/parked?skip=-1", HttpStatusCode.BadRequest),
            ($"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/parked?take=many", HttpStatusCode.BadRequest),
        })
        {
            using var refused = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(refused.StatusCode == status, $"GET {path}: {(int)refused.StatusCode}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        var list = await GetAsync(host, $"/switchboard/api/dead-letters?endpoint={ConsoleHost.Shipments}");
        Assert.Equal(["k-1", "k-2"], list.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("orderingKey").GetString()).Order(StringComparer.Ordinal));
        var detail = await GetAsync(host, $"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/{Uri.EscapeDataString(keys["k-1"].GetProperty("deadLetterId").GetString()!)}");
        Assert.Equal("k-1", detail.GetProperty("orderingKey").GetString());

        var endpoints = (await GetAsync(host, "/switchboard/api/endpoints")).EnumerateArray().ToDictionary(e => e.GetProperty("queue").GetString()!);
        Assert.True(endpoints[ConsoleHost.Shipments].GetProperty("ordered").GetBoolean());
        Assert.Equal(2, endpoints[ConsoleHost.Shipments].GetProperty("parkedKeys").GetInt64());
        Assert.False(endpoints[ConsoleHost.Orders].GetProperty("ordered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, endpoints[ConsoleHost.Orders].GetProperty("parkedKeys").ValueKind);

        // Deleting k-2's dead letter skips it and releases the key.
        using var deleted = await host.Http.DeleteAsync(new Uri($"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/{Uri.EscapeDataString(keys["k-2"].GetProperty("deadLetterId").GetString()!)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var left = await GetAsync(host, $"/switchboard/api/dead-letters/{ConsoleHost.Shipments}/parked");
        Assert.Equal("k-1", Assert.Single(left.GetProperty("items").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task The_pages_show_parked_keys_and_ordering_keys_and_say_that_a_delete_releases_the_key()
    {
        await using var host = await ConsoleHost.StartWithTwoParkedKeysAsync();
        var k1 = (await host.DeadLetters.ListAsync(ConsoleHost.Shipments)).Single(l => l.OrderingKey == "k-1");

        var endpoints = await host.Http.GetStringAsync(new Uri("/switchboard", UriKind.Relative));
        Assert.Contains("<span class=\"tag\">ordered</span>", endpoints, StringComparison.Ordinal);
        Assert.Contains("2 key(s) parked", endpoints, StringComparison.Ordinal);

        var html = await host.Http.GetStringAsync(new Uri($"/switchboard/dead-letters?endpoint={ConsoleHost.Shipments}", UriKind.Relative));
        Assert.Contains($"class=\"parked-keys\" data-endpoint=\"{ConsoleHost.Shipments}\"", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-key=\"k-1\">", html, StringComparison.Ordinal);
        Assert.Contains($"/switchboard/dead-letters/{ConsoleHost.Shipments}/{Uri.EscapeDataString(k1.Id)}\">{k1.Id}</a>", html, StringComparison.Ordinal);
        Assert.Contains("<th>Ordering key</th>", html, StringComparison.Ordinal);
        Assert.Contains("parks it: 1 waiting", html, StringComparison.Ordinal);
        Assert.Contains("delete it to skip it for good and release them", html, StringComparison.Ordinal);

        // An unordered endpoint's page stays as it was, though its dead letter carries a key: no parked keys to show.
        var orders = await host.Http.GetStringAsync(new Uri($"/switchboard/dead-letters?endpoint={ConsoleHost.Orders}", UriKind.Relative));
        Assert.DoesNotContain("parked-keys", orders, StringComparison.Ordinal);

        var detail = await host.Http.GetStringAsync(new Uri($"/switchboard/dead-letters/{ConsoleHost.Shipments}/{Uri.EscapeDataString(k1.Id)}", UriKind.Relative));
        Assert.Contains("<th>Ordering key</th><td class=\"mono\">k-1</td>", detail, StringComparison.Ordinal);
        Assert.Contains("id=\"parks\"", detail, StringComparison.Ordinal);
        Assert.Contains("1 later message(s) of it wait", detail, StringComparison.Ordinal);

        var delete = new Uri($"/switchboard/dead-letters/{ConsoleHost.Shipments}/delete", UriKind.Relative);
        using (var asked = await host.Http.PostAsync(delete, new FormUrlEncodedContent([new("id", k1.Id)])))
        {
            Assert.Contains("On this ordered endpoint that skips them", await asked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(2, await host.DeadLetters.CountAsync(ConsoleHost.Shipments));
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = host.Http.BaseAddress };
        using var done = await client.PostAsync(delete, new FormUrlEncodedContent([new("id", k1.Id), new("confirmed", "yes")]));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var after = await host.Http.GetStringAsync(new Uri($"/switchboard/dead-letters?endpoint={ConsoleHost.Shipments}", UriKind.Relative));
        Assert.DoesNotContain("data-key=\"k-1\"", after, StringComparison.Ordinal);
        Assert.Contains("data-key=\"k-2\"", after, StringComparison.Ordinal);

        // Released, the message that waited behind k-1 is handled.
        long handled = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); handled == 0 && DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            var shipments = (await GetAsync(host, "/switchboard/api/endpoints")).EnumerateArray().Single(e => e.GetProperty("queue").GetString() == ConsoleHost.Shipments);
            handled = shipments.GetProperty("counts").GetProperty("handled").GetInt64();
        }

        Assert.Equal(1, handled);
    }

    private static async Task<JsonElement> GetAsync(ConsoleHost host, string path) =>
        await host.Http.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));
}
