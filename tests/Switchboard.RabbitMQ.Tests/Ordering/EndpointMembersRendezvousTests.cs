using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>The ownership rule alone (no broker): rendezvous hashing over member ids.</summary>
public sealed class EndpointMembersRendezvousTests
{
    private static readonly string[] Members = ["2b1e0c8a5f4d4e0f9a7c3b6d1e2f3a4b", "7c9d8e1f2a3b4c5d6e7f8091a2b3c4d5", "a0b1c2d3e4f5061728394a5b6c7d8e9f", "f00dfeedbeef4cafe0123456789abcde"];

    [Fact]
    public void The_weight_is_a_documented_function_other_languages_can_compute()
    {
        // FNV-1a 64 of the UTF-8 of "{member}/{partition}", then MurmurHash3's fmix64: pinned so it never changes silently.
        Assert.Equal(0xE7B8A43F19C0B199ul, EndpointMembers.Weight("a", 0));
    }

    [Fact]
    public void Every_member_owns_a_fair_share_of_many_partitions()
    {
        var owned = Enumerable.Range(0, 256).GroupBy(p => EndpointMembers.OwnerOf(Members, p)).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(Members.Order(), owned.Keys.Order());
        Assert.All(owned.Values, count => Assert.InRange(count, 40, 90)); // 64 each ideally
    }

    [Fact]
    public void A_member_leaving_moves_only_its_own_partitions()
    {
        var remaining = Members[1..];
        foreach (var partition in Enumerable.Range(0, 256))
        {
            var before = EndpointMembers.OwnerOf(Members, partition);
            var after = EndpointMembers.OwnerOf(remaining, partition);
            Assert.True(before == Members[0] || before == after, $"partition {partition} moved from {before} to {after}");
        }
    }

    [Fact]
    public void The_owner_does_not_depend_on_the_order_members_are_listed_in()
    {
        var reversed = Members.Reverse().ToArray();

        Assert.All(Enumerable.Range(0, 256), p => Assert.Equal(EndpointMembers.OwnerOf(Members, p), EndpointMembers.OwnerOf(reversed, p)));
    }
}
