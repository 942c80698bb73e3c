using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Shop.EndToEnd.Tests;

/// <summary>Every error the application answers is <c>application/problem+json</c>, and request bodies are strict JSON (issue 13, item 10).</summary>
public sealed class ProblemDetailsTests
{
    [Fact]
    public async Task Unknown_routes_wrong_methods_and_non_JSON_bodies_get_problems()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var alice = shop.As("alice");

        await Problems.AssertAsync(await shop.Http.GetAsync(new Uri("/no/such/thing", UriKind.Relative)), HttpStatusCode.NotFound);
        await Problems.AssertAsync(await alice.GetAsync(new Uri("/orders/not-an-order-id", UriKind.Relative)), HttpStatusCode.NotFound);
        using (var method = await alice.DeleteAsync(new Uri("/orders", UriKind.Relative)))
        {
            await Problems.AssertAsync(method, HttpStatusCode.MethodNotAllowed);
            Assert.Contains("POST", method.Content.Headers.Allow);
        }

        var json = JsonContent.Create(ShopUnderTest.OrderBody("alice", "tok_visa", new Line("SKU-0001", 1)));
        var text = await json.ReadAsStringAsync();
        await Problems.AssertAsync(await alice.PostAsync(new Uri("/orders", UriKind.Relative), new StringContent(text, Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        await Problems.AssertAsync(await alice.PostAsync(new Uri("/orders", UriKind.Relative), new FormUrlEncodedContent([new("customerId", "alice")])), HttpStatusCode.UnsupportedMediaType);
        using var noType = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        await Problems.AssertAsync(await alice.PostAsync(new Uri("/orders", UriKind.Relative), noType), HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(shop.Ledger.Of<Shop.Contracts.OrderCreated>());
    }

    [Theory]
    [InlineData("""{"quantity":"5"}""", "lines[0].quantity")]
    [InlineData("""{"quantity":1,"quantity":100}""", "lines[0]")]
    public async Task A_number_sent_as_a_string_or_a_property_sent_twice_is_refused(string line, string path)
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var body = "{\"customerId\":\"alice\",\"email\":\"alice@example.com\",\"lines\":[{\"sku\":\"SKU-0001\"," + line[1..^1] + "}],\"paymentToken\":\"tok_visa\","
            + "\"shippingAddress\":{\"name\":\"Ada\",\"line1\":\"1 Analytical Row\",\"city\":\"London\",\"postalCode\":\"N1 7AA\",\"country\":\"GB\"}}";

        using var response = await shop.As("alice").PostAsync(new Uri("/orders", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        Assert.Contains(path, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(shop.Ledger.Of<Shop.Contracts.OrderCreated>());
    }
}
