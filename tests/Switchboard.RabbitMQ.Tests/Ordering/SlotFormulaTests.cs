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
}
