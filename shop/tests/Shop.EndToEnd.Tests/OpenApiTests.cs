using System.Net;
using System.Text.Json;

namespace Shop.EndToEnd.Tests;

/// <summary>Shop serves an OpenAPI document of its HTTP API (issue 17), anonymously, at <c>/openapi/v1.json</c>.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task The_document_describes_every_api_with_its_body_answers_and_bearer_scheme()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        using var response = await shop.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal("Shop", root.GetProperty("info").GetProperty("title").GetString());

        var paths = root.GetProperty("paths");
        foreach (var path in new[] { "/orders", "/orders/{id}", "/inventory", "/analytics", "/customers/{id}/notifications", "/health/live" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"no {path} in {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        }

        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/switchboard", StringComparison.Ordinal));
        Assert.False(paths.TryGetProperty("/asyncapi.json", out _), "the AsyncAPI document is not part of the HTTP API");

        var place = paths.GetProperty("/orders").GetProperty("post");
        Assert.Equal("PlaceOrder", place.GetProperty("operationId").GetString());
        var answers = place.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Superset(new HashSet<string> { "202", "400", "401", "403", "413", "415", "422", "429" }, answers.ToHashSet());
        var body = place.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var schema = body.TryGetProperty("$ref", out var reference)
            ? root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/').Last())
            : body;
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(new HashSet<string> { "customerId", "email", "lines", "paymentToken", "shippingAddress" }, properties.ToHashSet());

        // The framework binds the header, so the document names it.
        Assert.Contains(place.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");

        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
    }
}
