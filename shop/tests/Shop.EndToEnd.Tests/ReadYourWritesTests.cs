using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// Issue 18, read your writes across services: POST /orders answers with a Consistency-Token, and each read given it
/// (Order's GET /orders/{id}, Notification's GET /customers/{id}/notifications, Analytics' GET /analytics) includes the
/// order the first time it is asked, or says it timed out; a token that does not parse is a 400.
/// </summary>
public sealed class ReadYourWritesTests
{
    [Fact]
    public async Task Every_read_given_the_token_of_a_placement_includes_the_order_on_the_first_ask()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        using var placed = await shop.PostOrderAsync("alice", ShopUnderTest.OrderBody("alice", "tok_visa", new Line("SKU-0001", 2)));
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var header = Assert.Single(placed.Headers.GetValues(ConsistencyToken.HeaderName));
        Assert.True(ConsistencyToken.TryParse(header, out var token));
        Assert.True(token.Position > 0);
        Assert.Single(token.MessageIds);
        var id = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using (var order = await GetAsync(shop.As("alice"), $"/orders/{id}", header))
        {
            Assert.Equal("reached", Assert.Single(order.Headers.GetValues("Consistency")));
            Assert.Equal(id, (await order.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        using (var notifications = await GetAsync(shop.As("alice"), "/customers/alice/notifications", header))
        {
            Assert.Equal("reached", Assert.Single(notifications.Headers.GetValues("Consistency")));
            var list = await notifications.Content.ReadFromJsonAsync<List<NotificationView>>(ShopUnderTest.Json);
            Assert.Contains(list!, n => n.OrderId == id && n.Kind == "order-created");
        }

        using (var analytics = await GetAsync(shop.Operator, "/analytics", header))
        {
            Assert.Equal("reached", Assert.Single(analytics.Headers.GetValues("Consistency")));
            Assert.True((await analytics.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ordersPlaced").GetInt64() >= 1);
        }
    }

    [Fact]
    public async Task A_read_whose_token_names_a_message_that_never_came_answers_after_its_timeout_and_says_so()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        using var analytics = await GetAsync(shop.Operator, "/analytics", new ConsistencyToken(null, ["never-sent"]).ToString());

        Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);
        Assert.Equal("timed-out", Assert.Single(analytics.Headers.GetValues("Consistency")));
    }

    [Theory]
    [InlineData("/orders/00000000-0000-0000-0000-000000000001")]
    [InlineData("/customers/alice/notifications")]
    [InlineData("/analytics")]
    public async Task A_token_that_does_not_parse_is_a_400_naming_the_header(string target)
    {
        await using var shop = await ShopUnderTest.StartAsync();

        using var response = await GetAsync(shop.Operator, target, "p=twelve");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Consistency-Token", Problems.Errors(problem, ConsistencyToken.HeaderName), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string target, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.TryAddWithoutValidation(ConsistencyToken.HeaderName, token);
        return await client.SendAsync(request);
    }
}
