using System.Text;
using System.Text.Json;
using Switchboard.Serialization;
using Switchboard.Conformance.Stores;

namespace Switchboard.Tests.Serialization;

public sealed class JsonMessageSerializerTests
{
    private sealed record Order(Guid Id, decimal Amount, string[] Lines);

    private sealed record Line(string Sku, int Quantity, string? Note = null);

    private sealed record Address(string City, string? Line2);

    private sealed record Placed(string CustomerId, string Email, IReadOnlyList<Line> Lines, Address Address, Dictionary<string, Line>? Extras = null, int Priority = 0, string? Coupon = null);

    private sealed class Registration
    {
        public required string Name { get; init; }

        public string Nickname { get; set; } = "none";

        public int? Age { get; set; }
    }

    private readonly JsonMessageSerializer _serializer = new(maxDepth: 8);

    [Fact]
    public void A_message_round_trips()
    {
        var order = new Order(Guid.NewGuid(), 12.5m, ["a", "b"]);

        var body = _serializer.Serialize(order, typeof(Order));
        var back = (Order)_serializer.Deserialize(body, typeof(Order));

        Assert.Equal(order.Id, back.Id);
        Assert.Equal(order.Amount, back.Amount);
        Assert.Equal(order.Lines, back.Lines);
        Assert.Contains("\"amount\":12.5", Encoding.UTF8.GetString(body.Span));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("{\"id\": \"not-a-guid\", \"amount\": 1, \"lines\": []}")]
    public void A_malformed_body_is_a_body_error(string json)
    {
        var error = Assert.Throws<MessageBodyException>(() => _serializer.Deserialize(Encoding.UTF8.GetBytes(json), typeof(Order)));
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void Json_null_is_a_body_error()
    {
        var error = Assert.Throws<MessageBodyException>(() => _serializer.Deserialize("null"u8.ToArray(), typeof(Order)));
        Assert.Contains("null", error.Message);
    }

    [Fact]
    public void A_body_nested_deeper_than_the_limit_is_a_body_error_that_says_so()
    {
        var json = "{\"lines\":" + new string('[', 20) + new string(']', 20) + "}";

        var error = Assert.Throws<MessageBodyException>(() => _serializer.Deserialize(Encoding.UTF8.GetBytes(json), typeof(Order)));
        Assert.Contains("nested deeper than the limit of 8", error.Message);
    }

    [Fact]
    public void Missing_required_members_are_a_body_error_naming_each_by_its_json_name()
    {
        var error = Deserialize<Placed>("""{"email":"ada@example.com"}""");

        Assert.Equal("The body does not satisfy the contract of Placed: missing required properties: customerId, lines, address.", error.Message);
    }

    [Fact]
    public void A_null_the_nullable_annotations_forbid_is_a_body_error_naming_the_member()
    {
        var error = Deserialize<Placed>("""{"customerId":"c-1","email":null,"lines":[],"address":{"city":"Paris","line2":null}}""");

        Assert.Equal("The body does not satisfy the contract of Placed: 'email' must not be null.", error.Message);
    }

    [Fact]
    public void Violations_inside_nested_objects_lists_and_dictionaries_are_named_by_their_path()
    {
        var json = """
            {"customerId":"c-1","email":"e","address":{"line2":null},
             "lines":[{"sku":"a","quantity":1},{"sku":null}],
             "extras":{"gift":{"quantity":null}}}
            """;

        var error = Deserialize<Placed>(json);

        Assert.Equal(
            "The body does not satisfy the contract of Placed: missing required properties: lines[1].quantity, address.city, extras.gift.sku; 'lines[1].sku' must not be null; 'extras.gift.quantity' must not be null.",
            error.Message);
    }

    [Fact]
    public void Required_properties_and_non_nullable_properties_of_classes_are_checked_too()
    {
        Assert.Equal("The body does not satisfy the contract of Registration: missing required properties: name.", Deserialize<Registration>("""{"age":3}""").Message);
        Assert.Equal("The body does not satisfy the contract of Registration: 'nickname' must not be null.", Deserialize<Registration>("""{"name":"n","nickname":null}""").Message);
        Assert.Equal("The body does not satisfy the contract of Order: 'amount' must not be null.", Deserialize<Order>($$"""{"id":"{{Guid.NewGuid()}}","amount":null,"lines":[]}""").Message);
    }

    [Fact]
    public void Members_with_defaults_and_nullable_members_with_defaults_are_optional()
    {
        var placed = (Placed)_serializer.Deserialize("""{"customerId":"c","email":"e","lines":[{"sku":"a","quantity":2}],"address":{"city":"Paris","line2":null}}"""u8.ToArray(), typeof(Placed));

        Assert.Equal(new Line("a", 2), Assert.Single(placed.Lines));
        Assert.Null(placed.Extras);
        Assert.Equal(0, placed.Priority);
        Assert.Null(placed.Coupon);
        var registration = (Registration)_serializer.Deserialize("""{"NAME":"n"}"""u8.ToArray(), typeof(Registration));
        Assert.Equal(("n", "none", (int?)null), (registration.Name, registration.Nickname, registration.Age));
    }

    [Fact]
    public void A_nullable_member_without_a_default_must_be_present_but_may_be_null()
    {
        var error = Deserialize<Placed>("""{"customerId":"c","email":"e","lines":[],"address":{"city":"Paris"}}""");

        Assert.Equal("The body does not satisfy the contract of Placed: missing required properties: address.line2.", error.Message);
    }

    [Fact]
    public void A_hostile_body_with_many_violations_gets_a_bounded_reason()
    {
        var json = """{"customerId":"c","email":"e","address":{"city":"x","line2":null},"lines":[""" + string.Join(',', Enumerable.Repeat("{}", 10_000)) + "]}";

        var error = Assert.Throws<MessageBodyException>(() => new JsonMessageSerializer().Deserialize(Encoding.UTF8.GetBytes(json), typeof(Placed)));

        Assert.EndsWith("lines[9].quantity; and more.", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 1000, error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_is_still_reported_as_invalid_json()
    {
        var error = Deserialize<Placed>("""{"customerId":"c","email":"e","lines":"not a list","address":{"city":"x","line2":null}}""");

        Assert.Contains("not valid JSON for Placed", error.Message);
    }

    [Fact]
    public void Serializing_null_into_a_member_the_contract_declares_non_null_fails_at_the_sender()
    {
        Assert.Throws<JsonException>(() => _serializer.Serialize(new Line(null!, 1), typeof(Line)));
    }

    [Fact]
    public void Options_passed_in_cannot_turn_the_contract_check_off()
    {
        var lenient = new JsonSerializerOptions(JsonSerializerOptions.Web) { RespectNullableAnnotations = false, RespectRequiredConstructorParameters = false };

        var error = Assert.Throws<MessageBodyException>(() => new JsonMessageSerializer(options: lenient).Deserialize("""{"sku":"a"}"""u8.ToArray(), typeof(Line)));

        Assert.Contains("missing required properties: quantity", error.Message);
    }

    [Fact]
    public void Saga_state_written_before_the_contract_check_reads_back()
    {
        var state = new OrderState { CardCharged = true, Status = "placed" };
        var writtenBefore = JsonSerializer.SerializeToUtf8Bytes(state, JsonSerializerOptions.Web);

        var read = (OrderState)_serializer.Deserialize(writtenBefore, typeof(OrderState));

        Assert.Equal(writtenBefore, _serializer.Serialize(read, typeof(OrderState)).ToArray());
        Assert.Equal(new OrderState().Status, ((OrderState)_serializer.Deserialize("{}"u8.ToArray(), typeof(OrderState))).Status);
    }

    private MessageBodyException Deserialize<T>(string json) =>
        Assert.Throws<MessageBodyException>(() => _serializer.Deserialize(Encoding.UTF8.GetBytes(json), typeof(T)));
}
