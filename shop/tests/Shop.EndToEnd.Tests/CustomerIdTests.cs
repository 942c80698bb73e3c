using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.Http;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// Customer ids on the way in (issue 13, item 9): one rule (<see cref="CustomerIds.Rule"/>) for the body, the path, the
/// query and the token, a 400 problem naming it, and every id that is accepted reads back its own data.
/// </summary>
public sealed class CustomerIdTests
{
    [Theory]
    [InlineData("a/b")]
    [InlineData("a%2Fb")]
    [InlineData("a\0b")]
    [InlineData("a\\0b")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("-rf")]
    [InlineData("a b")]
    public async Task An_order_whose_body_names_a_bad_customer_id_is_a_400_naming_the_rule(string customerId)
    {
        await using var shop = await ShopUnderTest.StartAsync();

        using var response = await shop.PostOrderAsync("alice", ShopUnderTest.OrderBody(customerId, "tok_visa", new Line("SKU-0001", 1)));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(CustomerIds.Rule, Problems.Errors(problem, "customerId"));
        Assert.Empty(await shop.As("alice").GetFromJsonAsync<List<JsonElement>>(new Uri("/orders", UriKind.Relative)) ?? []);
    }

    [Theory]
    [InlineData("/customers/a%2Fb/notifications", "id")]
    [InlineData("/customers/a%5C0b/notifications", "id")]
    [InlineData("/customers/a%0Ab/notifications", "id")]
    [InlineData("/customers/%2E%2E%2E/notifications", "id")]
    [InlineData("/customers/" + "x123456789x123456789x123456789x123456789x123456789x123456789x12345" + "/notifications", "id")]
    [InlineData("/orders?customerId=a%2Fb", "customerId")]
    [InlineData("/orders?customerId=..", "customerId")]
    [InlineData("/orders?customerId=a%00b", "customerId")]
    [InlineData("/orders?customerId=", "customerId")]
    [InlineData("/orders?customerId=alice&customerId=bob", "customerId")]
    public async Task A_bad_customer_id_in_a_path_or_query_is_a_400_naming_the_rule(string target, string field)
    {
        await using var shop = await ShopUnderTest.StartAsync();

        using var response = await shop.Operator.GetAsync(Verbatim(shop, target));

        Assert.Equal(CustomerIds.Rule, Problems.Errors(await Problems.AssertAsync(response, HttpStatusCode.BadRequest), field));
    }

    [Theory]
    [InlineData("/customers/a/b/notifications")]
    [InlineData("/customers/../notifications")]
    [InlineData("/customers/%2E%2E/notifications")]
    public async Task A_path_that_splits_or_climbs_out_of_a_customer_id_matches_no_route_a_404_problem(string target)
    {
        await using var shop = await ShopUnderTest.StartAsync();

        using var response = await shop.Operator.GetAsync(Verbatim(shop, target));

        await Problems.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_NUL_in_the_path_is_refused_by_Kestrel_before_any_middleware_with_an_empty_400()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        // Kestrel refuses the request line itself (a decoded NUL) and closes the connection: no middleware, so no
        // problem details. Everything the application sees gets them (the tests around this one).
        using var response = await shop.Operator.GetAsync(Verbatim(shop, "/customers/a%00b/notifications"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.True(response.Headers.ConnectionClose);
        Assert.Null(response.Content.Headers.ContentType);
    }

    [Fact]
    public async Task A_token_whose_subject_breaks_the_rule_may_not_place_orders()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ShopClaims.Issuer,
            Audience = ShopClaims.Audience,
            Subject = new ClaimsIdentity([new Claim(ShopClaims.Subject, "a/b")]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(DevelopmentSigningKey.Load(shop.SigningKeyFile), SecurityAlgorithms.HmacSha256),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(ShopUnderTest.OrderBody("alice", "tok_visa", new Line("SKU-0001", 1))) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var problem = await Problems.AssertAsync(await shop.Http.SendAsync(request), HttpStatusCode.Forbidden);

        Assert.Contains(CustomerIds.Rule, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a.b@example.com")]
    [InlineData("auth0|5f7c8ec7c33c6c004bbafe82")]
    [InlineData("_x-Y.9")]
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789x123")]
    public async Task Every_accepted_customer_id_reads_back_its_own_order_and_notifications(string customerId)
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var id = await shop.PlaceAsync(customerId, "tok_visa", new Line("SKU-0001", 1));
        var other = await shop.PlaceAsync("someone-else", "tok_visa", new Line("SKU-0001", 1));
        await shop.WaitForTerminalAsync(id);
        await shop.WaitForTerminalAsync(other);
        await shop.CheckInvariantsAsync();

        var orders = await shop.As(customerId).GetFromJsonAsync<List<JsonElement>>(new Uri($"/orders?customerId={Uri.EscapeDataString(customerId)}", UriKind.Relative));
        Assert.Equal(id, Assert.Single(orders!).GetProperty("id").GetGuid());
        var notifications = await shop.NotificationsAsync(customerId);
        Assert.NotEmpty(notifications);
        Assert.All(notifications, n => Assert.Equal(id, n.OrderId));
    }

    // The target exactly as written: no dot segments removed, nothing escaped or unescaped.
    private static Uri Verbatim(ShopUnderTest shop, string target) =>
        new(shop.Address.GetLeftPart(UriPartial.Authority) + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
}
