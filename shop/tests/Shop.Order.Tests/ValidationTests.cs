using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Order.Tests;

public sealed class ValidationTests
{
    [Fact]
    public async Task Every_bad_field_is_named_in_a_validation_problem()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var body = new
        {
            customerId = "",
            email = "not-an-email",
            lines = new object[]
            {
                new { sku = "SKU-0001", quantity = 0 },
                new { sku = "SKU-9999", quantity = 1 },
                new { sku = "SKU-0001", quantity = 101 },
                new { sku = "SKU-0002" },
            },
            paymentToken = "visa",
            shippingAddress = new { name = "Ada", line1 = "", city = (string?)null, postalCode = "N1", country = "GB" },
        };

        var errors = await ProblemErrorsAsync(await host.PostAsync(body));

        Assert.Equal(
            ["customerId", "email", "lines", "lines[0].quantity", "lines[1].sku", "lines[2].quantity", "lines[3].quantity", "paymentToken", "shippingAddress.city", "shippingAddress.line1"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Unknown SKU", errors["lines[1].sku"], StringComparison.Ordinal);
        Assert.Contains("SKU 'SKU-0001' is on more than one line (lines[0], lines[2])", errors["lines"], StringComparison.Ordinal);
        Assert.Equal("The quantity is required.", errors["lines[3].quantity"]);
        Assert.Equal("The field is required.", errors["shippingAddress.city"]);
        Assert.Equal(0, await host.Store.GetEndPositionAsync());
    }

    [Fact]
    public async Task Missing_parts_and_a_bad_idempotency_key_are_named()
    {
        await using var host = await OrderServiceHost.StartAsync();

        var errors = await ProblemErrorsAsync(await host.PostAsync(new { customerId = "c", email = "a@b.co", lines = Array.Empty<object>(), paymentToken = "tok_x" }, new string('k', 201)));

        Assert.Equal(["Idempotency-Key", "lines", "shippingAddress"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("tok_4111-1111-1111-1111")]
    [InlineData("378282246310005")]
    public async Task A_card_number_as_payment_token_is_refused_and_never_echoed_or_stored(string token)
    {
        await using var host = await OrderServiceHost.StartAsync();
        var order = JsonSerializer.SerializeToNode(OrderServiceHost.ValidOrder())!;
        order["paymentToken"] = token;

        using var response = await host.PostAsync(order);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("card number", text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);

        // Not even the last digits: checked without the random trace id, which may contain any four digits.
        var problem = JsonNode.Parse(text)!.AsObject();
        problem.Remove("traceId");
        Assert.DoesNotContain(token[^4..], problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, await host.Store.GetEndPositionAsync());
    }

    [Theory]
    [InlineData("{ \"customerId\": ")]
    [InlineData("not json")]
    [InlineData("{ \"lines\": [ { \"sku\": \"SKU-0001\", \"quantity\": \"two\" } ] }")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_problem(string json)
    {
        await using var host = await OrderServiceHost.StartAsync();

        using var response = await host.Client.PostAsync("/orders", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    // The server enforces the limit while it reads the body (413); the test server here does not enforce request size
    // limits, so Shop.EndToEnd.Tests' BadInputTests sends the oversized bodies to Kestrel. Here: the limit is the
    // endpoint's, from the options.
    [Fact]
    public async Task The_body_limit_is_the_endpoints_request_size_limit_from_the_options()
    {
        await using var host = await OrderServiceHost.StartAsync(new OrderOptions { MaxRequestBodyBytes = 1234 });

        var endpoint = host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == "/orders" && e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Contains("POST"));

        Assert.Equal(1234, endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize);
    }

    [Fact]
    public async Task Empty_lines_and_too_many_lines_are_named()
    {
        await using var host = await OrderServiceHost.StartAsync(new OrderOptions { MaxLines = 2 });
        var order = JsonSerializer.SerializeToNode(OrderServiceHost.ValidOrder())!;
        order["lines"]!.AsArray().Add(null);

        var errors = await ProblemErrorsAsync(await host.PostAsync(order));

        Assert.Equal(["lines"], errors.Keys);
        Assert.Contains("at most 2 lines", errors["lines"], StringComparison.Ordinal);
        Assert.Contains("A line is empty (null): lines[2].", errors["lines"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blank_idempotency_key_is_named_by_its_header()
    {
        await using var host = await OrderServiceHost.StartAsync();

        var errors = await ProblemErrorsAsync(await host.PostAsync(OrderServiceHost.ValidOrder(), "   "));

        Assert.Equal(["Idempotency-Key"], errors.Keys);
    }

    private static async Task<Dictionary<string, string>> ProblemErrorsAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            return problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => string.Join(" ", p.Value.EnumerateArray().Select(e => e.GetString())));
        }
    }
}
