using Switchboard.Messages;
using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>The slot formula docs/rabbitmq.md gives to other languages' producers, with its examples.</summary>
public sealed class SlotFormulaTests
{
    [Theory]
    [InlineData("order-42", 244)]
    [InlineData("customer-1", 23)]
    [InlineData("é", 193)]
    public void The_slot_is_the_FNV_1a_hash_of_the_UTF_8_key_modulo_256(string key, int slot) =>
        Assert.Equal(slot, OrderingNames.SlotOf(key));

    [Fact]
    public void A_message_carries_its_slot_and_the_slot_modulo_each_smaller_partition_count()
    {
        var envelope = new Envelope
        {
            MessageId = "m-1",
            MessageType = "tests.entry.v1",
            SentAt = DateTimeOffset.UtcNow,
            Body = "{}"u8.ToArray(),
        }.WithHeader(HeaderNames.OrderingKey, "order-42");

        var headers = AmqpEnvelope.ToProperties(envelope).Headers!;

        // 244 = 0b11110100.
        Assert.Equal(
            [("sb-ordering-slot", "244"), ("sb-ordering-slot-mod-2", "0"), ("sb-ordering-slot-mod-4", "0"), ("sb-ordering-slot-mod-8", "4"),
             ("sb-ordering-slot-mod-16", "4"), ("sb-ordering-slot-mod-32", "20"), ("sb-ordering-slot-mod-64", "52"), ("sb-ordering-slot-mod-128", "116")],
            headers.Where(h => h.Key.StartsWith("sb-ordering-slot", StringComparison.Ordinal)).Select(h => (h.Key, (string)h.Value!)));
        Assert.DoesNotContain(AmqpEnvelope.FromDelivery(AmqpEnvelope.ToProperties(envelope), envelope.Body).Headers.Keys, k => k.StartsWith("sb-ordering-slot", StringComparison.Ordinal));
    }
}
