using System.Security.Cryptography;
using System.Text;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// The names and numbers an ordered endpoint's topology is made of on RabbitMQ (docs/design/rabbitmq-ordering.md).
/// Every publisher stamps <see cref="SlotHeader"/> and the <see cref="ModuloHeaders"/>; an ordered endpoint <c>Q</c>
/// routes by the <see cref="PartitionHeader"/> of its count through its headers exchange <see cref="OrderExchange"/> to
/// one of its partition queues <see cref="Partition"/>.
/// </summary>
internal static class OrderingNames
{
    /// <summary>The header every message carries: its slot, 0 to <see cref="Slots"/> - 1, as text.</summary>
    public const string SlotHeader = "sb-ordering-slot";

    private const string PartitionHeaderPrefix = "sb-ordering-slot-mod-";

    /// <summary>
    /// The partition counts an ordered endpoint may have: the powers of two up to <see cref="Slots"/>, so that a key's
    /// partition (its slot modulo the count) is also its hash modulo the count.
    /// </summary>
    public static readonly IReadOnlyList<int> PartitionCounts = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>
    /// The header of a control message that skips a parked key's dead letter (its value: the dead letter's id); it
    /// travels through the partition, ordered with the key's other messages, and is never handled.
    /// </summary>
    public const string SkipHeader = "sb-ordering-skip";

    /// <summary>How many slots keys hash to: the most partitions an ordered endpoint can have.</summary>
    public const int Slots = 256;

    /// <summary>The slot of an ordering key (or, for a message without one, of its message id): FNV-1a (32 bits) of its UTF-8 bytes, modulo <see cref="Slots"/>.</summary>
    public static int SlotOf(string key)
    {
        var hash = 2166136261u;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(key) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(key, buffer)] : Encoding.UTF8.GetBytes(key);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Slots);
    }

    /// <summary>The partition a key's messages go to, of <paramref name="partitions"/>.</summary>
    public static int PartitionOf(string key, int partitions) => SlotOf(key) % partitions;

    /// <summary>
    /// The header an endpoint of <paramref name="partitions"/> partitions routes by, whose value is the partition:
    /// <c>sb-ordering-slot-mod-{N}</c>, the slot modulo N, for N from 2 to 128, and <see cref="SlotHeader"/> itself for
    /// 256. Every message carries them all, because the publisher does not know its subscribers' counts; an order
    /// exchange then needs one binding per partition, where one per slot cost the broker most of its time
    /// (docs/benchmarks.md).
    /// </summary>
    public static string PartitionHeader(int partitions) =>
        partitions == Slots ? SlotHeader : PartitionHeaderPrefix + partitions.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The partition headers a publisher stamps besides <see cref="SlotHeader"/>, with their counts (2 to 128).</summary>
    public static readonly IReadOnlyList<(int Partitions, string Header)> ModuloHeaders =
        [.. PartitionCounts.Where(n => n is > 1 and < Slots).Select(n => (n, PartitionHeader(n)))];

    /// <summary>Whether <paramref name="name"/> is one of the routing headers a publisher stamps from the key.</summary>
    public static bool IsSlotHeader(string name) => name == SlotHeader || name.StartsWith(PartitionHeaderPrefix, StringComparison.Ordinal);

    /// <summary>The headers exchange that routes an ordered endpoint's messages by partition header to its partitions.</summary>
    public static string OrderExchange(string queue) => "sb.order." + queue;

    /// <summary>The alternate exchange of <see cref="OrderExchange"/>: a message without a slot (another client's) goes to partition 0.</summary>
    public static string UnslottedExchange(string queue) => "sb.order." + queue + ".unslotted";

    /// <summary>Partition <paramref name="index"/> of an ordered endpoint: a quorum queue with a single active consumer.</summary>
    public static string Partition(string queue, int index) => $"{queue}.p{index}";

    /// <summary>
    /// The exchange on which the instances of an ordered endpoint announce themselves: publish and bind with the empty
    /// routing key, the only one a service's user may use there (a topic exchange used as a fanout: RabbitMqPermissions.For).
    /// </summary>
    public static string MembersExchange(string queue) => "sb.members." + queue;

    /// <summary>The queue (exclusive, auto-deleted) on which one instance hears the others' announcements.</summary>
    public static string MemberQueue(string queue, string memberId) => $"{queue}.members.{memberId}";

    /// <summary>
    /// The exchange through which the parking log and the parked-message queues are written (routing key and binding key:
    /// the queue's name; a topic exchange used as a direct one, so that topic permissions bound the keys: RabbitMqPermissions.For).
    /// </summary>
    public static string ParkingExchange(string queue) => "sb.parked." + queue;

    /// <summary>The stream that records which keys are parked (and draining, and released), read by each partition's new consumer.</summary>
    public static string ParkingLog(string queue) => queue + ".parking";

    /// <summary>The queue that holds a parked key's later messages, in order: named by a hash, since a key may hold any character.</summary>
    public static string ParkedQueue(string queue, string key) =>
        $"{queue}.parked.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16))}";
}
