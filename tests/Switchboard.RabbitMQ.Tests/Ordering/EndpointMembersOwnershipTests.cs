using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>The ownership rule alone (no broker): rendezvous hashing over member ids, each member's load bounded.</summary>
public sealed class EndpointMembersOwnershipTests
{
    private static readonly string[] Members = ["2b1e0c8a5f4d4e0f9a7c3b6d1e2f3a4b", "7c9d8e1f2a3b4c5d6e7f8091a2b3c4d5", "a0b1c2d3e4f5061728394a5b6c7d8e9f", "f00dfeedbeef4cafe0123456789abcde"];

    [Fact]
    public void The_weight_is_a_documented_function_other_languages_can_compute()
    {
        // FNV-1a 64 of the UTF-8 of "{member}/{partition}", then MurmurHash3's fmix64: pinned so it never changes silently.
        Assert.Equal(0xE7B8A43F19C0B199ul, EndpointMembers.Weight("a", 0));
    }

    [Fact]
    public void The_owners_of_a_known_set_are_pinned_so_that_every_version_agrees()
    {
        // Instances of different versions must compute the same owners, or a partition moves back and forth between
        // them. The expected owners came from a separate implementation of the rule as docs/design/rabbitmq-ordering.md
        // states it (a few lines of Python); the plain rule would give 7c9d…, f00d…, f00d…, f00d…, 2b1e…, 7c9d…, 7c9d…, a0b1….
        Assert.Equal(
            ["a0b1c2d3e4f5061728394a5b6c7d8e9f", "f00dfeedbeef4cafe0123456789abcde", "f00dfeedbeef4cafe0123456789abcde", "2b1e0c8a5f4d4e0f9a7c3b6d1e2f3a4b", "2b1e0c8a5f4d4e0f9a7c3b6d1e2f3a4b", "7c9d8e1f2a3b4c5d6e7f8091a2b3c4d5", "7c9d8e1f2a3b4c5d6e7f8091a2b3c4d5", "a0b1c2d3e4f5061728394a5b6c7d8e9f"],
            EndpointMembers.Owners(Members, 8));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(256)]
    public void Every_member_owns_its_share_give_or_take_one_partition(int partitions)
    {
        var random = new Random(partitions);
        for (var count = 1; count <= 12; count++)
        {
            for (var set = 0; set < 20; set++)
            {
                var members = NewMembers(random, count);

                var owners = EndpointMembers.Owners(members, partitions);

                Assert.All(owners, owner => Assert.Contains(owner, members));
                var owned = members.ToDictionary(m => m, m => owners.Count(o => o == m));
                Assert.All(owned.Values, n => Assert.InRange(n, partitions / count, partitions / count + 1));
                Assert.Equal(partitions % count, owned.Values.Count(n => n > partitions / count));
            }
        }
    }

    [Fact]
    public void Eight_partitions_leave_no_instance_of_three_or_four_idle()
    {
        // The plain rendezvous rule (the highest weight wins) leaves one instance of three idle 12 % of the time.
        var random = new Random(3);
        for (var set = 0; set < 200; set++)
        {
            foreach (var count in new[] { 3, 4 })
            {
                var members = NewMembers(random, count);
                Assert.Equal(members.Order(), EndpointMembers.Owners(members, 8).Distinct().Order());
            }
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(256)]
    public void A_member_joining_or_leaving_moves_few_partitions_between_the_others(int partitions)
    {
        var random = new Random(partitions);
        for (var count = 1; count <= 8; count++)
        {
            var moves = 0;
            const int sets = 100;
            for (var set = 0; set < sets; set++)
            {
                var members = NewMembers(random, count + 1);
                var (stayers, newcomer) = (members[..count], members[count]);
                var before = EndpointMembers.Owners(stayers, partitions);
                var after = EndpointMembers.Owners(members, partitions);
                // The same partitions move between the others when the newcomer leaves again.
                moves += Enumerable.Range(0, partitions).Count(p => after[p] != before[p] && after[p] != newcomer);
            }

            // Plain rendezvous hashing moves none between the others; the bound on load moves a few, on average well
            // under half of what the newcomer takes (or the leaver hands over).
            Assert.InRange(moves / (double)sets, 0, (partitions / (count + 1.0) / 2) + 1);
        }
    }

    [Fact]
    public void The_owners_do_not_depend_on_the_order_members_are_listed_in()
    {
        var reversed = Members.Reverse().ToArray();

        Assert.Equal(EndpointMembers.Owners(Members, 256), EndpointMembers.Owners(reversed, 256));
    }

    private static string[] NewMembers(Random random, int count)
    {
        var members = new string[count];
        var bytes = new byte[16];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            members[i] = new Guid(bytes).ToString("N");
        }

        return members;
    }
}
