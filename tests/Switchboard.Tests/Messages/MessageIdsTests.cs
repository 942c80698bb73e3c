using Switchboard.Messages;

namespace Switchboard.Tests.Messages;

public sealed class MessageIdsTests
{
    [Fact]
    public void Ids_are_version_7_uuids_with_the_current_time()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = Guid.Parse(MessageIds.New());
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        var bytes = id.ToByteArray(bigEndian: true);
        var milliseconds = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        Assert.InRange(milliseconds, before, after);
    }

    [Fact]
    public void Ids_are_unique()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => MessageIds.New()).ToHashSet();

        Assert.Equal(100_000, ids.Count);
    }
}
