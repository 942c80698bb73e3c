using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Http;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// Every error Shop's HTTP API answers is <c>application/problem+json</c> with a status and a title (issue 13, item 10;
/// issue 17): for each endpoint family an unknown address (404), a wrong method (405 with <c>Allow</c>), no token (401)
/// and too little right (403); for the body of <c>POST /orders</c> a wrong or missing content type (415), malformed or
/// non-strict JSON (400, saying where), a validation failure (400 with <c>errors</c> naming the field), a body too large
/// (413); and an unhandled exception (500, nothing of the exception in the answer). One shop serves every case.
/// </summary>
public sealed class ProblemDetailsTests(ProblemDetailsTests.RunningShop running) : IClassFixture<ProblemDetailsTests.RunningShop>
{
    private readonly ShopUnderTest _shop = running.Shop;

    /// <summary>Each family: an address it serves, the methods it takes there, and an address next to it that nothing serves.</summary>
    public static TheoryData<string, string[], string> Families => new()
    {
        { "/orders", ["GET", "POST"], "/orders/0190d0c4-0000-7000-8000-000000000000/lines" },
        { "/orders/0190d0c4-0000-7000-8000-000000000000", ["GET"], "/order" },
        { "/inventory", ["GET"], "/inventory/SKU-0001" },
        { "/analytics", ["GET"], "/analytics/today" },
        { "/customers/alice/notifications", ["GET"], "/customers/alice" },
        { "/flows/some-conversation", ["GET"], "/flows" },
        { "/health", ["GET"], "/health/everything" },
        { "/health/live", ["GET"], "/health/live/now" },
        { "/health/ready", ["GET"], "/health/readiness" },
        { "/health/details", ["GET"], "/health/details/all" },
        { "/openapi/v1.json", ["GET"], "/openapi/v2.json" },
    };

    /// <summary>The families that need a token, and the address a customer (alice) may not read there.</summary>
    public static TheoryData<string, string> Protected => new()
    {
        { "/orders", "/orders?customerId=bob" },
        { "/inventory", "/inventory" },
        { "/analytics", "/analytics" },
        { "/customers/alice/notifications", "/customers/bob/notifications" },
        { "/flows/some-conversation", "/flows/some-conversation" },
        { "/health/details", "/health/details" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task An_unknown_address_is_a_404_problem(string address, string[] methods, string unknown)
    {
        _ = (address, methods);

        using var response = await _shop.Operator.GetAsync(Relative(unknown));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("There is nothing at this address.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_wrong_method_is_a_405_problem_with_the_methods_allowed(string address, string[] methods, string unknown)
    {
        _ = unknown;

        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Post }.Where(m => !methods.Contains(m.Method)))
        {
            using var request = new HttpRequestMessage(method, Relative(address)) { Content = JsonContent.Create(new { }) };
            using var response = await _shop.Operator.SendAsync(request);

            await Problems.AssertAsync(response, HttpStatusCode.MethodNotAllowed);
            Assert.Equal(methods.Order(StringComparer.Ordinal), response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task No_token_is_a_401_problem_and_too_little_right_a_403_problem(string address, string forbidden)
    {
        using var anonymous = await _shop.Http.GetAsync(Relative(address));
        var unauthorized = await Problems.AssertAsync(anonymous, HttpStatusCode.Unauthorized);
        Assert.Contains("bearer token", unauthorized.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var customer = await _shop.As("alice").GetAsync(Relative(forbidden));
        await Problems.AssertAsync(customer, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_415_problem()
    {
        var text = await JsonContent.Create(ShopUnderTest.OrderBody("alice", "tok_visa", new Line("SKU-0001", 1))).ReadAsStringAsync();
        using var noType = new ByteArrayContent(Encoding.UTF8.GetBytes(text));

        foreach (HttpContent content in new HttpContent[] { new StringContent(text, Encoding.UTF8, "text/plain"), new FormUrlEncodedContent([new("customerId", "alice")]), noType })
        {
            using (content)
            using (var response = await _shop.As("alice").PostAsync(Relative("/orders"), content))
            {
                var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
                Assert.Equal("The body must be JSON: send Content-Type: application/json.", problem.GetProperty("detail").GetString());
            }
        }

        Assert.DoesNotContain(_shop.Ledger.Of<Shop.Contracts.OrderCreated>(), o => o.CustomerId == "alice");
    }

    [Theory]
    [InlineData("""{"customerId": "alice", "lines": [""", "Malformed JSON")]
    [InlineData("[]", "Malformed JSON")]
    [InlineData("null", "Bad request")]
    [InlineData("", "Bad request")]
    public async Task A_body_that_is_not_an_order_in_JSON_is_a_400_problem(string body, string title)
    {
        using var response = await _shop.As("alice").PostAsync(Relative("/orders"), new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.False(problem.TryGetProperty("errors", out _));
    }

    [Theory]
    [InlineData("""{"quantity":"5"}""", "lines[0].quantity")]
    [InlineData("""{"quantity":1,"quantity":100}""", "lines[0]")]
    public async Task A_number_sent_as_a_string_or_a_property_sent_twice_is_refused(string line, string path)
    {
        var body = "{\"customerId\":\"alice\",\"email\":\"alice@example.com\",\"lines\":[{\"sku\":\"SKU-0001\"," + line[1..^1] + "}],\"paymentToken\":\"tok_visa\","
            + "\"shippingAddress\":{\"name\":\"Ada\",\"line1\":\"1 Analytical Row\",\"city\":\"London\",\"postalCode\":\"N1 7AA\",\"country\":\"GB\"}}";

        using var response = await _shop.As("alice").PostAsync(Relative("/orders"), new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        Assert.Contains(path, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validation_failure_is_a_400_problem_naming_each_field_as_sent()
    {
        var body = new
        {
            email = "",
            lines = new[] { new { sku = "SKU-0001", quantity = 0 } },
            paymentToken = "tok_visa",
            shippingAddress = new { name = "Ada", line1 = "1 Analytical Row", city = "London", postalCode = "N1 7AA", country = "GB" },
        };

        using var response = await _shop.PostOrderAsync("alice", body, idempotencyKey: new string('k', 201));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["Idempotency-Key", "email", "lines[0].quantity"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("The field is required.", Problems.Errors(problem, "email"));
        Assert.Equal("The quantity must be between 1 and 100.", Problems.Errors(problem, "lines[0].quantity"));
    }

    [Fact]
    public async Task A_bad_value_in_a_path_or_query_is_a_400_problem_naming_it()
    {
        using var path = await _shop.Operator.GetAsync(Relative("/customers/a%20b/notifications"));
        Assert.Equal(CustomerIds.Rule, Problems.Errors(await Problems.AssertAsync(path, HttpStatusCode.BadRequest), "id"));

        using var query = await _shop.Operator.GetAsync(Relative("/orders?customerId=a%2Fb"));
        Assert.Equal(CustomerIds.Rule, Problems.Errors(await Problems.AssertAsync(query, HttpStatusCode.BadRequest), "customerId"));

        using var flow = await _shop.Operator.GetAsync(Relative("/flows/" + new string('c', 201)));
        Assert.Equal("Invalid correlation id", (await Problems.AssertAsync(flow, HttpStatusCode.BadRequest)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_naming_it()
    {
        var oversized = "{\"email\":\"" + new string('x', 70 * 1024) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent(oversized, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        using var response = await _shop.As("alice").SendAsync(request);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The body may have at most 65536 bytes.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_500_problem_that_tells_nothing_of_it()
    {
        // Shop's endpoints do not throw on purpose: a host with Shop's HTTP pipeline and one endpoint that does, in the
        // Development environment (where ASP.NET Core would show a developer exception page).
        var keyFile = Path.Combine(Path.GetTempPath(), $"shop-e2e-{Guid.NewGuid():N}.key");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddShopHttp(new ShopAuthenticationOptions { SigningKeyFile = keyFile });
        await using var app = builder.Build();
        app.UseShopHttp();
        app.MapGet("/throws", string () => throw new InvalidOperationException("secret-detail of the failure"));
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };

            using var response = await client.GetAsync(Relative("/throws"));

            await Problems.AssertAsync(response, HttpStatusCode.InternalServerError);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("secret-detail", text, StringComparison.Ordinal);
            Assert.DoesNotContain(nameof(InvalidOperationException), text, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            File.Delete(keyFile);
        }
    }

    private static Uri Relative(string address) => new(address, UriKind.Relative);

    /// <summary>One shop for every case of the class: none of them changes what the others see.</summary>
    public sealed class RunningShop : IAsyncLifetime
    {
        private ShopUnderTest? _shop;

        internal ShopUnderTest Shop => _shop ?? throw new InvalidOperationException("The shop has not started.");

        public async Task InitializeAsync() => _shop = await ShopUnderTest.StartAsync();

        public async Task DisposeAsync()
        {
            if (_shop is not null)
            {
                await _shop.DisposeAsync();
            }
        }
    }
}
