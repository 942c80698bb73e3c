using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shop.Downstream.Tests;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// The Switchboard console's JSON API as Shop mounts it at <c>/switchboard</c> (issue 16): operators only; dead letters
/// listed, inspected, refused when the request is bad, and re-driven; the outbox, sagas, projections and a flow.
/// </summary>
public sealed class ConsoleApiTests
{
    private const string Notification = "notification";

    [Fact]
    public async Task Only_operators_reach_the_console_and_its_endpoints_page_lists_every_service_endpoint()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await shop.Http.GetAsync(new Uri("/switchboard/api/endpoints", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shop.As("alice").GetAsync(new Uri("/switchboard/api/endpoints", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await shop.Http.GetAsync(new Uri("/switchboard", UriKind.Relative))).StatusCode);

        var id = await shop.PlaceAsync("alice", "tok_visa", new Line("SKU-0001", 1));
        await shop.WaitForTerminalAsync(id);
        var endpoints = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/endpoints", UriKind.Relative));
        var byQueue = endpoints.EnumerateArray().ToDictionary(e => e.GetProperty("queue").GetString()!);
        foreach (var queue in new[] { "order", "payment", "inventory", "shipping", Notification, "analytics" })
        {
            Assert.True(byQueue.ContainsKey(queue), $"no endpoint '{queue}' among {string.Join(", ", byQueue.Keys)}");
            Assert.True(byQueue[queue].GetProperty("running").GetBoolean());
            Assert.Equal(0, byQueue[queue].GetProperty("deadLetters").GetInt64());
            Assert.Equal(JsonValueKind.Number, byQueue[queue].GetProperty("ready").ValueKind);
        }

        Assert.True(byQueue["payment"].GetProperty("counts").GetProperty("handled").GetInt64() >= 1);

        var html = await shop.Operator.GetStringAsync(new Uri("/switchboard", UriKind.Relative));
        Assert.Contains("<table id=\"endpoints\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("loopback-only", html, StringComparison.Ordinal); // Shop names its operator policy
    }

    [Fact]
    public async Task Dead_letters_are_listed_inspected_and_redriven_and_bad_requests_change_nothing()
    {
        await using var smtp = FakeSmtpServer.Start();
        smtp.Refusing = true;
        await using var shop = await MailOutage.StartShopAsync(smtp);
        var id = await shop.PlaceAsync("grace", "tok_visa", new Line("SKU-0003", 1));
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(id)).Status); // a notification's failure does not hold the order

        JsonElement list = default;
        await ShopUnderTest.WaitUntilAsync(
            async () =>
            {
                list = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri($"/switchboard/api/dead-letters?endpoint={Notification}", UriKind.Relative));
                return list.GetProperty("total").GetInt64() == 3;
            },
            () => $"the three notifications of order {id} dead-lettered (last: {list})");
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, d => Assert.Equal(id.ToString(), d.GetProperty("correlationId").GetString()));

        var first = items[0].GetProperty("id").GetString()!;
        var detail = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri($"/switchboard/api/dead-letters/{Notification}/{Uri.EscapeDataString(first)}", UriKind.Relative));
        Assert.Contains(id.ToString(), detail.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("stackTrace").GetString()));
        Assert.True(detail.GetProperty("headers").EnumerateObject().Any());

        var filtered = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/dead-letters?type=no-such-type", UriKind.Relative));
        Assert.Empty(filtered.GetProperty("items").EnumerateArray());

        // Bad requests: each a problem, none changes anything.
        await ExpectProblemAsync(shop.Operator.PostAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/purge", UriKind.Relative), Json("{}")), HttpStatusCode.BadRequest, "confirm");
        await ExpectProblemAsync(shop.Operator.PostAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/purge", UriKind.Relative), Json("""{"confirm":"payment"}""")), HttpStatusCode.BadRequest, "confirm");
        await ExpectProblemAsync(shop.Operator.PostAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/redrive", UriKind.Relative), Json("{")), HttpStatusCode.BadRequest, "not a valid action");
        await ExpectProblemAsync(shop.Operator.PostAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/redrive", UriKind.Relative), Json("{}")), HttpStatusCode.BadRequest, "all");
        await ExpectProblemAsync(shop.Operator.PostAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/redrive", UriKind.Relative), new StringContent("ids=1", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "JSON");
        await ExpectProblemAsync(shop.Operator.PostAsync(new Uri("/switchboard/api/dead-letters/no-such-endpoint/redrive", UriKind.Relative), Json("""{"all":true}""")), HttpStatusCode.NotFound, "no-such-endpoint");
        await ExpectProblemAsync(shop.Operator.GetAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/999999999", UriKind.Relative)), HttpStatusCode.NotFound, "999999999");
        await ExpectProblemAsync(shop.Operator.GetAsync(new Uri("/switchboard/api/dead-letters?take=lots", UriKind.Relative)), HttpStatusCode.BadRequest, "take");
        await ExpectProblemAsync(shop.Operator.GetAsync(new Uri("/switchboard/api/dead-letters?take=0", UriKind.Relative)), HttpStatusCode.BadRequest, "take");
        await ExpectProblemAsync(shop.Operator.GetAsync(new Uri("/switchboard/api/dead-letters?type=" + new string('x', 201), UriKind.Relative)), HttpStatusCode.BadRequest, "filter");
        await ExpectProblemAsync(shop.Operator.GetAsync(new Uri("/switchboard/api/sagas/no-such-saga/key", UriKind.Relative)), HttpStatusCode.NotFound, "no-such-saga");
        await ExpectProblemAsync(shop.Operator.PostAsync(new Uri("/switchboard/api/projections/no-such-projection/rebuild", UriKind.Relative), null), HttpStatusCode.NotFound, "no-such-projection");
        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, $"/switchboard/api/dead-letters/{Notification}/redrive") { Content = Json("""{"all":true}""") })
        {
            crossSite.Headers.Add("Origin", "https://evil.example");
            await ExpectProblemAsync(shop.Operator.SendAsync(crossSite), HttpStatusCode.Forbidden, "another site");
        }

        var unchanged = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri($"/switchboard/api/dead-letters?endpoint={Notification}", UriKind.Relative));
        Assert.Equal(3, unchanged.GetProperty("total").GetInt64());

        // The mail server is back: one re-driven by id, the rest all at once; each notification is mailed and listed.
        smtp.Refusing = false;
        var one = await (await shop.Operator.PostAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/redrive", UriKind.Relative), Json($$"""{"ids":["{{first}}"]}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, one.GetProperty("redriven").GetInt32());
        var rest = await (await shop.Operator.PostAsync(new Uri($"/switchboard/api/dead-letters/{Notification}/redrive", UriKind.Relative), Json("""{"all":true}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, rest.GetProperty("redriven").GetInt32());
        await ShopUnderTest.WaitUntilAsync(async () => (await shop.NotificationsAsync("grace")).Count == 3, () => $"the three notifications listed after the re-drive ({smtp.Received.Count} mailed)");
        Assert.Equal(3, smtp.Received.Count);
        var after = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri($"/switchboard/api/dead-letters?endpoint={Notification}", UriKind.Relative));
        Assert.Equal(0, after.GetProperty("total").GetInt64());

        // The flow of the order shows the dead letters and the deliveries after the re-drive.
        var flow = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri($"/switchboard/api/flows/{id}", UriKind.Relative));
        var outcomes = flow.GetProperty("timeline").EnumerateArray().Where(r => r.GetProperty("endpoint").GetString() == Notification).Select(r => r.GetProperty("outcome").GetString()).ToList();
        Assert.Contains("dead-lettered", outcomes);
        Assert.Contains("handled", outcomes);
        Assert.Single(flow.GetProperty("tree").EnumerateArray(), n => n.GetProperty("depth").GetInt32() == 0);
    }

    [Fact]
    public async Task The_outbox_sagas_and_projections_are_reported_and_a_projection_rebuilds()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var id = await shop.PlaceAsync("ada", "tok_visa", new Line("SKU-0002", 1));
        await shop.WaitForTerminalAsync(id);

        var outbox = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/outbox", UriKind.Relative));
        Assert.Equal(0, outbox.GetProperty("quarantined").GetInt64());
        Assert.Equal(JsonValueKind.Number, outbox.GetProperty("pending").ValueKind);
        var released = await (await shop.Operator.PostAsync(new Uri("/switchboard/api/outbox/release", UriKind.Relative), Json("""{"all":true}"""))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, released.GetProperty("released").GetInt32());

        var sagas = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/sagas", UriKind.Relative));
        var saga = Assert.Single(sagas.EnumerateArray());
        Assert.True(saga.GetProperty("eventSourced").GetBoolean());
        var instance = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri($"/switchboard/api/sagas/{saga.GetProperty("name").GetString()}/{id}", UriKind.Relative));
        var events = instance.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.True(events.Count >= 3, string.Join(", ", events));
        Assert.Equal(events.Count, instance.GetProperty("version").GetInt64());
        // The stuck-order timeout the saga requested when the order was created waits in the SQLite file (five minutes in these tests).
        var timeout = Assert.Single(instance.GetProperty("pendingTimeouts").EnumerateArray());
        Assert.Equal("shop.order-stuck-timeout.v1", timeout.GetProperty("messageType").GetString());
        Assert.True(timeout.GetProperty("dueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        await ExpectProblemAsync(shop.Operator.GetAsync(new Uri($"/switchboard/api/sagas/{saga.GetProperty("name").GetString()}/{Guid.NewGuid()}", UriKind.Relative)), HttpStatusCode.NotFound, "no instance");

        var projections = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/projections", UriKind.Relative));
        var head = projections.GetProperty("head").GetInt64();
        var projection = projections.GetProperty("runners").EnumerateArray().First(r => r.GetProperty("kind").GetString() == "projection");
        var name = projection.GetProperty("name").GetString()!;
        var generation = projection.GetProperty("generation").GetInt64();
        Assert.True(head > 0);

        using var rebuild = await shop.Operator.PostAsync(new Uri($"/switchboard/api/projections/{name}/rebuild", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        JsonElement rebuilt = default;
        await ShopUnderTest.WaitUntilAsync(
            async () =>
            {
                var now = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/projections", UriKind.Relative));
                rebuilt = now.GetProperty("runners").EnumerateArray().First(r => r.GetProperty("name").GetString() == name);
                return rebuilt.GetProperty("generation").GetInt64() > generation && !rebuilt.GetProperty("rebuilding").GetBoolean() && rebuilt.GetProperty("lag").GetInt64() == 0;
            },
            () => $"projection {name} rebuilt and caught up (last: {rebuilt})");
        Assert.Equal(JsonValueKind.Null, rebuilt.GetProperty("lastRebuildError").ValueKind);
        Assert.Equal("completed", (await shop.FindOrderAsync(id))!.Status); // the read model answers after the swap
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task ExpectProblemAsync(Task<HttpResponseMessage> sending, HttpStatusCode status, string detailContains)
    {
        using var response = await sending;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailContains, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
