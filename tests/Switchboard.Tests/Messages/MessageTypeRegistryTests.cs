using Switchboard.Messages;

namespace Switchboard.Tests.Messages;

public sealed class MessageTypeRegistryTests
{
    private sealed record A;
    private sealed record B;

    [Fact]
    public void Names_and_types_map_both_ways()
    {
        var registry = new MessageTypeRegistry([new("x.a.v1", typeof(A)), new("x.b.v1", typeof(B))]);

        Assert.True(registry.TryGetType("x.a.v1", out var type));
        Assert.Equal(typeof(A), type);
        Assert.Equal("x.b.v1", registry.GetName(typeof(B)));
    }

    [Fact]
    public void A_name_off_the_wire_that_is_not_registered_resolves_to_nothing()
    {
        var registry = new MessageTypeRegistry([new("x.a.v1", typeof(A))]);

        Assert.False(registry.TryGetType("System.Diagnostics.Process, System", out _));
        Assert.False(registry.TryGetType("X.A.V1", out _));
    }

    [Fact]
    public void An_unregistered_type_cannot_be_sent()
    {
        var registry = new MessageTypeRegistry([]);

        var error = Assert.Throws<UnregisteredMessageTypeException>(() => registry.GetName(typeof(A)));
        Assert.Contains("Message<A>", error.Message);
    }

    [Fact]
    public void One_name_for_two_types_is_rejected()
    {
        Assert.Throws<InvalidOperationException>(() => new MessageTypeRegistry([new("x.a.v1", typeof(A)), new("x.a.v1", typeof(B))]));
    }

    [Fact]
    public void Two_names_for_one_type_are_rejected()
    {
        Assert.Throws<InvalidOperationException>(() => new MessageTypeRegistry([new("x.a.v1", typeof(A)), new("x.a.v2", typeof(A))]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("üñí")]
    public void Names_that_are_not_portable_across_transports_are_rejected(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => MessageTypeRegistry.ValidateName(name));
    }
}
