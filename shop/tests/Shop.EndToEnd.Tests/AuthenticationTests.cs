using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Http;

namespace Shop.EndToEnd.Tests;

/// <summary>Who may read and do what over the real HTTP API (issue 13, item 8): tokens, customers, operators, idempotency keys, rate limits.</summary>
public sealed class AuthenticationTests
{
    private static readonly string[] CustomerPaths = ["/orders", "/orders?customerId=bob", $"/orders/{Guid.NewGuid()}", "/customers/bob/notifications"];
    private static readonly string[] OperatorPaths = ["/inventory", "/analytics", "/health/details"];

    [Fact]
    public async Task Without_a_valid_token_every_API_answers_401_problem_and_health_says_only_ok()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var strangersKey = new ShopTokens(DevelopmentSigningKey.LoadOrCreate(Path.Combine(Path.GetTempPath(), "shop-e2e-other-" + Guid.NewGuid().ToString("N"), "key")));
        var expired = new ShopTokens(DevelopmentSigningKey.Load(shop.SigningKeyFile), TimeSpan.FromMinutes(1), new PastTime(TimeSpan.FromHours(2)));

        foreach (var token in new string?[] { null, "not-a-token", strangersKey.ForOperator(), expired.ForOperator() })
        {
            foreach (var path in CustomerPaths.Concat(OperatorPaths))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
                using var response = await shop.Http.SendAsync(request);
                await Problems.AssertAsync(response, HttpStatusCode.Unauthorized);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
            }

            using var post = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(ShopUnderTest.OrderBody("bob", "tok_visa", new Line("SKU-0001", 1))) };
            post.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
            await Problems.AssertAsync(await shop.Http.SendAsync(post), HttpStatusCode.Unauthorized);
        }

        using var live = await shop.Http.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await live.Content.ReadAsStringAsync());
        Assert.Empty(shop.Ledger.Of<Shop.Contracts.OrderCreated>());
    }

    [Fact]
    public async Task A_customer_reads_and_places_only_their_own_orders_and_notifications()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var bobs = await shop.PlaceAsync("bob", "tok_visa", new Line("SKU-0001", 1));
        await shop.WaitForTerminalAsync(bobs);
        var alice = shop.As("alice");

        // Bob's order is as absent for Alice as an order that does not exist.
        using (var others = await alice.GetAsync(new Uri($"/orders/{bobs}", UriKind.Relative)))
        using (var missing = await alice.GetAsync(new Uri($"/orders/{Guid.NewGuid()}", UriKind.Relative)))
        {
            var other = await Problems.AssertAsync(others, HttpStatusCode.NotFound);
            var none = await Problems.AssertAsync(missing, HttpStatusCode.NotFound);
            Assert.Equal(none.GetProperty("title").GetString(), other.GetProperty("title").GetString());
            Assert.DoesNotContain(bobs.ToString(), await others.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        // Nor can she list his orders, read his notifications, or place an order in his name.
        await Problems.AssertAsync(await alice.GetAsync(new Uri("/orders?customerId=bob", UriKind.Relative)), HttpStatusCode.Forbidden);
        await Problems.AssertAsync(await alice.GetAsync(new Uri("/customers/bob/notifications", UriKind.Relative)), HttpStatusCode.Forbidden);
        await Problems.AssertAsync(await shop.PostOrderAsync("alice", ShopUnderTest.OrderBody("bob", "tok_visa", new Line("SKU-0002", 1))), HttpStatusCode.Forbidden);

        // Her own order needs no customerId in the body: it is the token's subject's.
        var body = JsonSerializer.SerializeToNode(ShopUnderTest.OrderBody("ignored", "tok_visa", new Line("SKU-0002", 1)), ShopUnderTest.Json)!.AsObject();
        body.Remove("customerId");
        using var placed = await shop.PostOrderAsync("alice", body);
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var hers = Guid.Parse(placed.Headers.Location!.OriginalString.Split('/')[^1]);
        var order = await alice.GetFromJsonAsync<OrderView>(new Uri($"/orders/{hers}", UriKind.Relative), ShopUnderTest.Json);
        Assert.Equal("alice", order!.CustomerId);
        var list = await alice.GetFromJsonAsync<List<JsonElement>>(new Uri("/orders", UriKind.Relative), ShopUnderTest.Json);
        Assert.Equal(hers, Assert.Single(list!).GetProperty("id").GetGuid());

        // Bob reads his own; an operator reads everyone's.
        Assert.Equal(bobs, (await shop.As("bob").GetFromJsonAsync<OrderView>(new Uri($"/orders/{bobs}", UriKind.Relative), ShopUnderTest.Json))!.Id);
        Assert.NotEmpty(await shop.NotificationsAsync("bob"));
        Assert.Equal(bobs, (await shop.Operator.GetFromJsonAsync<OrderView>(new Uri($"/orders/{bobs}", UriKind.Relative), ShopUnderTest.Json))!.Id);
        Assert.Equal(bobs, Assert.Single((await shop.Operator.GetFromJsonAsync<List<JsonElement>>(new Uri("/orders?customerId=bob", UriKind.Relative), ShopUnderTest.Json))!).GetProperty("id").GetGuid());
        Assert.NotEmpty((await shop.Operator.GetFromJsonAsync<List<JsonElement>>(new Uri("/customers/bob/notifications", UriKind.Relative), ShopUnderTest.Json))!);
        Assert.Single(shop.Ledger.Of<Shop.Contracts.OrderCreated>(), o => o.CustomerId == "bob");
    }

    [Fact]
    public async Task Another_customers_idempotency_key_gives_a_new_order_of_ones_own_and_reveals_nothing()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var bobs = await shop.PlaceAsync("bob", "tok_visa", [new Line("SKU-0001", 1)], "bobs-key");

        // The same key with the same kind of request, and with a different one: each time Alice's own order, never
        // Bob's, and never the 422 that would tell her the key is in use.
        var hers = await shop.PlaceAsync("alice", "tok_visa", [new Line("SKU-0001", 1)], "bobs-key");
        Assert.NotEqual(bobs, hers);
        using (var different = await shop.PostOrderAsync("mallory", ShopUnderTest.OrderBody("mallory", "tok_visa", new Line("SKU-0003", 4)), "bobs-key"))
        {
            Assert.Equal(HttpStatusCode.Accepted, different.StatusCode);
            var mallorys = Guid.Parse(different.Headers.Location!.OriginalString.Split('/')[^1]);
            Assert.NotEqual(bobs, mallorys);
            Assert.Equal("mallory", (await shop.FindOrderAsync(mallorys))!.CustomerId);
        }

        Assert.Equal("alice", (await shop.FindOrderAsync(hers))!.CustomerId);
        var bob = await shop.FindOrderAsync(bobs);
        Assert.Equal("bob", bob!.CustomerId);
        Assert.Equal(1, Assert.Single(bob.Lines).Quantity);

        // Bob's retry still gets his order.
        Assert.Equal(bobs, await shop.PlaceAsync("bob", "tok_visa", [new Line("SKU-0001", 1)], "bobs-key"));
    }

    [Fact]
    public async Task Operator_endpoints_refuse_customers_and_serve_operators()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        foreach (var path in OperatorPaths)
        {
            await Problems.AssertAsync(await shop.As("alice").GetAsync(new Uri(path, UriKind.Relative)), HttpStatusCode.Forbidden);
            using var allowed = await shop.Operator.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var details = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/health/details", UriKind.Relative));
        Assert.Equal("sqlite", details.GetProperty("transport").GetString());
        Assert.Equal(Environment.ProcessId, details.GetProperty("processId").GetInt32());
    }

    [Fact]
    public async Task Orders_past_a_customers_rate_limit_get_429_with_Retry_After_and_other_customers_are_not_held_back()
    {
        await using var shop = await ShopUnderTest.StartAsync(o => o with { OrderRateLimit = new OrderRateLimitOptions { Burst = 2, PerPeriod = 1, Period = TimeSpan.FromHours(1) } });

        await shop.PlaceAsync("alice", "tok_visa", new Line("SKU-0001", 1));
        await shop.PlaceAsync("alice", "tok_visa", new Line("SKU-0002", 1));
        using var refused = await shop.PostOrderAsync("alice", ShopUnderTest.OrderBody("alice", "tok_visa", new Line("SKU-0003", 1)));

        var problem = await Problems.AssertAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("Try again", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {refused.Headers.RetryAfter}");
        await shop.PlaceAsync("bob", "tok_visa", new Line("SKU-0003", 1));
        Assert.Equal(2, (await shop.As("alice").GetFromJsonAsync<List<JsonElement>>(new Uri("/orders", UriKind.Relative)))!.Count);
    }

    // A clock that runs behind, to mint tokens that have already expired.
    private sealed class PastTime(TimeSpan behind) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - behind;
    }
}
