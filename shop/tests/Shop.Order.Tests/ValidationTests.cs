using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

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
            ["customerId", "email", "lines[0].quantity", "lines[1].sku", "lines[2].quantity", "lines[2].sku", "lines[3].quantity", "paymentToken", "shippingAddress.city", "shippingAddress.line1"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Unknown SKU", errors["lines[1].sku"], StringComparison.Ordinal);
        Assert.Contains("more than one line", errors["lines[2].sku"], StringComparison.Ordinal);
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
        Assert.DoesNotContain("1111", text, StringComparison.Ordinal);
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

    [Fact]
    public async Task An_oversized_body_is_413_with_or_without_a_content_length()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var order = JsonSerializer.SerializeToNode(OrderServiceHost.ValidOrder())!;
        order["customerId"] = new string('x', 70 * 1024);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(order);

        using var withLength = await host.Client.PostAsync("/orders", new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/json" } } });
        using var chunked = new StreamContent(new UnknownLengthStream(bytes));
        chunked.Headers.ContentType = new("application/json");
        using var withoutLength = await host.Client.PostAsync("/orders", chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength.StatusCode);
        Assert.Equal(0, await host.Store.GetEndPositionAsync());
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

    /// <summary>A body whose length the client cannot know up front (sent chunked).</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
