using System.Text;
using Switchboard.EventSourcing;
using Switchboard.Conformance.EventSourcing;

namespace Switchboard.Tests.EventSourcing;

public sealed class EventTypeMapTests
{
    private sealed record OldCount(int Value);

    [Fact]
    public void A_type_or_a_name_cannot_be_mapped_twice_differently()
    {
        var map = new EventTypeMap().Map<Counted>("counted");
        map.Map<Counted>("counted");

        Assert.Throws<InvalidOperationException>(() => map.Map<Counted>("counted-again"));
        Assert.Throws<InvalidOperationException>(() => map.Map<Renamed>("counted"));
        Assert.Throws<InvalidOperationException>(() => map.UpcastJson("counted", "renamed", j => j));
    }

    [Fact]
    public void Only_mapped_types_are_written()
    {
        var map = new EventTypeMap().Map<Counted>("counted");

        var data = map.ToEventData(new Counted(3), "id-1", new EventMetadata { CorrelationId = "c" });

        Assert.Equal(("id-1", "counted", "c"), (data.EventId, data.Type, data.Metadata.CorrelationId));
        Assert.Throws<InvalidOperationException>(() => map.ToEventData(new Renamed("x")));
    }

    [Fact]
    public void Upcasters_that_loop_are_stopped()
    {
        var map = new EventTypeMap()
            .Map<Counted>("counted")
            .UpcastJson("ping", "pong", j => j)
            .UpcastJson("pong", "ping", j => j);

        Assert.Throws<InvalidOperationException>(() => map.TryDeserialize(Recorded("ping", """{"amount":1}"""), out _));
    }

    [Fact]
    public void An_upcast_must_end_in_a_mapped_type()
    {
        var map = new EventTypeMap().Upcast<OldCount, Renamed>("old-count", old => new Renamed(old.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Throws<InvalidOperationException>(() => map.Deserialize(Recorded("old-count", """{"value":1}""")));
    }

    [Fact]
    public void Unknown_types_are_not_read()
    {
        var map = new EventTypeMap().Map<Counted>("counted");

        Assert.False(map.CanRead("other"));
        Assert.False(map.TryDeserialize(Recorded("other", "{}"), out _));
        Assert.Equal("other", Assert.Throws<UnknownEventTypeException>(() => map.Deserialize(Recorded("other", "{}"))).Type);
    }

    [Theory]
    [InlineData(0, true, true, false, false)]
    [InlineData(3, true, false, true, true)]
    public void Expected_versions_match_the_stream_as_documented(long current, bool any, bool noStream, bool exists, bool exactThree)
    {
        Assert.Equal(any, ExpectedVersion.Any.IsSatisfiedBy(current));
        Assert.Equal(noStream, ExpectedVersion.NoStream.IsSatisfiedBy(current));
        Assert.Equal(noStream, ExpectedVersion.Exact(0).IsSatisfiedBy(current));
        Assert.Equal(exists, ExpectedVersion.StreamExists.IsSatisfiedBy(current));
        Assert.Equal(exactThree, ExpectedVersion.Exact(3).IsSatisfiedBy(current));
    }

    private static RecordedEvent Recorded(string type, string json) =>
        new("test-1", 1, 1, "e-1", type, Encoding.UTF8.GetBytes(json), EventMetadata.Empty, DateTimeOffset.UnixEpoch);
}
