using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Serialization;

namespace Shop.Tests;

/// <summary>How the compatibility gate treats the old names a bus reads through upcasters (docs/contracts.md).</summary>
public sealed class ContractGateTests : IDisposable
{
    private const string V1 = "tests.placed.v1";
    private const string V2 = "tests.placed.v2";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("contract-gate-");

    public sealed record PlacedV1(Guid OrderId, decimal Amount);

    public sealed record PlacedV2(Guid OrderId, long Cents, string Currency);

    public sealed record PlacedV1WithoutAmount(Guid OrderId);

    [Fact]
    public void A_name_read_only_through_a_json_upcaster_is_still_in_use_and_keeps_its_record()
    {
        Record(V1, typeof(PlacedV1));
        Record(V2, typeof(PlacedV2));

        var problems = ContractGate.Problems(Bus(b => b.Message<PlacedV2>(V2).UpcastJson(V1, V2, json => json)), _folder.FullName, record: false);

        Assert.Empty(problems);
        Assert.True(File.Exists(Path.Combine(_folder.FullName, V1 + ".json")));
    }

    [Fact]
    public void A_record_of_a_name_neither_registered_nor_upcast_is_an_orphan()
    {
        Record(V1, typeof(PlacedV1));
        Record(V2, typeof(PlacedV2));

        var problems = ContractGate.Problems(Bus(b => b.Message<PlacedV2>(V2)), _folder.FullName, record: false);

        Assert.Equal([$"{V1} is recorded but no longer registered or upcast: its consumers would receive nothing; keep it registered until none is left, then delete its record."], problems);
    }

    [Fact]
    public void A_name_read_through_a_typed_upcaster_is_held_to_its_record_by_its_old_type()
    {
        Record(V1, typeof(PlacedV1));
        Record(V2, typeof(PlacedV2));

        var problems = ContractGate.Problems(
            Bus(b => b.Message<PlacedV2>(V2).Upcast<PlacedV1WithoutAmount, PlacedV2>(V1, old => new(old.OrderId, 0, "EUR"))),
            _folder.FullName,
            record: false);

        var problem = Assert.Single(problems);
        Assert.StartsWith($"{V1} ({nameof(PlacedV1WithoutAmount)}): $.amount was removed", problem, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private void Record(string name, Type type) =>
        File.WriteAllText(Path.Combine(_folder.FullName, name + ".json"), new JsonMessageSerializer().SchemaOf(type).ToJsonString());

    private static BusConfiguration Bus(Action<SwitchboardBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSwitchboard(bus => configure(bus.UseInMemory(new InMemoryNetwork())));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<BusConfiguration>();
    }
}
