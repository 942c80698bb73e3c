using Switchboard.Serialization;

namespace Switchboard.Tests.Serialization;

public sealed class ContractCompatibilityTests
{
    public enum Size { Small, Large }

    public sealed record V1(Guid Id, string Name, int Quantity, Size Size, string? Note = null, string? Gift = null);

    public sealed record Removed(Guid Id, string Name, Size Size, string? Note = null, string? Gift = null);

    public sealed record Retyped(Guid Id, string Name, string Quantity, Size Size, string? Note = null, string? Gift = null);

    public sealed record MadeRequired(Guid Id, string Name, int Quantity, Size Size, string? Note, string? Gift = null);

    public sealed record NoLongerNullable(Guid Id, string Name, int Quantity, Size Size, string Note = "", string? Gift = null);

    public sealed record MadeNullable(Guid Id, string? Name, int Quantity, Size Size, string? Note = null, string? Gift = null);

    public sealed record Added(Guid Id, string Name, int Quantity, Size Size, string? Note = null, string? Gift = null, string? Channel = null);

    public sealed record AddedRequired(Guid Id, string Name, int Quantity, Size Size, string Channel, string? Note = null, string? Gift = null);

    private static readonly JsonMessageSerializer Serializer = new();

    [Fact]
    public void The_same_type_and_an_added_optional_property_are_compatible()
    {
        Assert.Empty(ContractCompatibility.BreakingChanges(Serializer.SchemaOf(typeof(V1)), Serializer.SchemaOf(typeof(V1))));
        Assert.Empty(ContractCompatibility.BreakingChanges(Serializer.SchemaOf(typeof(V1)), Serializer.SchemaOf(typeof(Added))));
    }

    [Theory]
    [InlineData(typeof(Removed), "$.quantity was removed (or renamed)")]
    [InlineData(typeof(Retyped), "$.quantity changed type from string|integer to string")]
    [InlineData(typeof(MadeRequired), "$.note became required")]
    [InlineData(typeof(NoLongerNullable), "$.note may no longer be null")]
    [InlineData(typeof(MadeNullable), "$.name may now be null, which consumers of the recorded contract refuse")]
    [InlineData(typeof(AddedRequired), "$.channel was added as required")]
    public void A_breaking_change_is_named_by_its_path(Type changed, string expected)
    {
        var changes = ContractCompatibility.BreakingChanges(Serializer.SchemaOf(typeof(V1)), Serializer.SchemaOf(changed));

        Assert.Contains(expected, changes);
    }

    [Fact]
    public void A_removed_enum_value_is_breaking_and_an_added_one_is_not()
    {
        var recorded = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"size":{"enum":["Small","Large"]}}}""")!;
        var fewer = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"size":{"enum":["Small"]}}}""")!;
        var more = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"size":{"enum":["Small","Large","Huge"]}}}""")!;

        Assert.Equal(["$.size no longer accepts \"Large\""], ContractCompatibility.BreakingChanges(recorded, fewer));
        Assert.Empty(ContractCompatibility.BreakingChanges(recorded, more));
    }

    [Fact]
    public void A_nested_change_names_the_path_through_arrays()
    {
        var recorded = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}}}""")!;
        var current = System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"lines":{"type":"array","items":{"type":"object","properties":{"code":{"type":"string"}}}}}}""")!;

        Assert.Equal(["$.lines[].sku was removed (or renamed)"], ContractCompatibility.BreakingChanges(recorded, current));
    }
}
