using System.Text;
using Switchboard.Serialization;

namespace Switchboard.Tests.Serialization;

public sealed class JsonMessageSerializerTests
{
    private sealed record Order(Guid Id, decimal Amount, string[] Lines);

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
    [InlineData("{\"id\": \"not-a-guid\"}")]
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
}
