using System.Text.Json.Nodes;
using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Events stored in old shapes, read back through the store and deserialized with an <see cref="EventTypeMap"/>:
/// a JSON upcaster, a typed upcaster and chains of two come out in the current shape; the stored type and data are
/// not rewritten; an unmapped type is not deserialized.
/// </summary>
/// <remarks>
/// Stored shapes of <see cref="TicketOpened"/>: <c>ticket-opened</c> (current); <c>ticket-opened-v1</c>
/// <c>{"id","title"}</c> (JSON upcast to current); <c>ticket-opened-v2</c> (<see cref="TicketOpenedV2"/>, typed
/// upcast); <c>ticket-opened-v0</c> <c>{"ref","subject"}</c> (JSON upcast to v2, then typed: a chain);
/// <c>ticket-opened-legacy</c> <c>{"number","text"}</c> (JSON upcast to v1, then JSON to current: a chain).
/// </remarks>
public abstract class UpcastingSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>Every stored shape in one stream reads back through the store as the current shape, in stream order.</summary>
    [Fact]
    public async Task Old_shapes_read_from_the_store_come_out_in_the_current_shape()
    {
        var map = NewMap();
        var store = await OpenStoreAsync();
        var stream = NewStreamId("ticket");
        await store.AppendAsync(stream, ExpectedVersion.NoStream,
        [
            map.ToEventData(new TicketOpened("t-0", "Current", 2)),
            Raw("ticket-opened-v1", """{"id":"t-1","title":"Printer é"}"""),
            Raw("ticket-opened-v2", """{"ticketId":"t-2","subject":"Typed","urgent":true}"""),
            Raw("ticket-opened-v2", """{"ticketId":"t-3","subject":"Typed, calm","urgent":false}"""),
            Raw("ticket-opened-v0", """{"ref":"t-4","subject":"Chained JSON then typed"}"""),
            Raw("ticket-opened-legacy", """{"number":5,"text":"Chained JSON twice"}"""),
        ]);

        var events = await ReadStreamAsync(await OpenStoreAsync(), stream);

        Assert.Equal(
            [
                new TicketOpened("t-0", "Current", 2),
                new TicketOpened("t-1", "Printer é", 3),
                new TicketOpened("t-2", "Typed", 1),
                new TicketOpened("t-3", "Typed, calm", 3),
                new TicketOpened("t-4", "Chained JSON then typed", 3),
                new TicketOpened("t-5", "Chained JSON twice", 3),
            ],
            events.Select(e => map.Deserialize(e)));
        Assert.Equal(["ticket-opened", "ticket-opened-v1", "ticket-opened-v2", "ticket-opened-v2", "ticket-opened-v0", "ticket-opened-legacy"], events.Select(e => e.Type));
    }

    /// <summary>Upcasting happens on read only: the stored event keeps its old type name and data, here and through all events.</summary>
    [Fact]
    public async Task Upcasting_does_not_rewrite_the_stored_event()
    {
        var map = NewMap();
        var store = await OpenStoreAsync();
        var stream = NewStreamId("ticket");
        var old = Raw("ticket-opened-v1", """{"id":"t-1","title":"Old"}""");
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [old]);

        var first = Assert.Single(await ReadAllAsync(store));
        Assert.Equal(new TicketOpened("t-1", "Old", 3), map.Deserialize(first));
        var again = Assert.Single(await ReadAllAsync(store));

        Assert.Equal("ticket-opened-v1", again.Type);
        AssertSameJson(old.Data, again.Data);
        Assert.Equal(new TicketOpened("t-1", "Old", 3), map.Deserialize(again));
    }

    /// <summary>A stored type the map neither maps nor upcasts is not deserialized: <c>TryDeserialize</c> is false and <c>Deserialize</c> throws <see cref="UnknownEventTypeException"/>.</summary>
    [Fact]
    public async Task An_unmapped_stored_type_is_not_deserialized()
    {
        var map = NewMap();
        var store = await OpenStoreAsync();
        var stream = NewStreamId("ticket");
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [Raw("ticket-closed", """{"ticketId":"t-1"}"""), Raw("ticket-opened-v1", """{"id":"t-1","title":"x"}""")]);

        var events = await ReadStreamAsync(store, stream);

        Assert.False(map.TryDeserialize(events[0], out var unknown));
        Assert.Null(unknown);
        var thrown = Assert.Throws<UnknownEventTypeException>(() => map.Deserialize(events[0]));
        Assert.Equal("ticket-closed", thrown.Type);
        Assert.True(map.TryDeserialize(events[1], out var known));
        Assert.Equal(new TicketOpened("t-1", "x", 3), known);
        Assert.False(map.CanRead("ticket-closed"));
    }

    /// <summary>A map with the suite's current type, upcasters and chains.</summary>
    protected static EventTypeMap NewMap() => new EventTypeMap()
        .Map<TicketOpened>("ticket-opened")
        .UpcastJson("ticket-opened-v1", "ticket-opened", old => new JsonObject
        {
            ["ticketId"] = old["id"]?.DeepClone(),
            ["title"] = old["title"]?.DeepClone(),
            ["priority"] = 3,
        })
        .Upcast<TicketOpenedV2, TicketOpened>("ticket-opened-v2", v2 => new TicketOpened(v2.TicketId, v2.Subject, v2.Urgent ? 1 : 3))
        .UpcastJson("ticket-opened-v0", "ticket-opened-v2", old => new JsonObject
        {
            ["ticketId"] = old["ref"]?.DeepClone(),
            ["subject"] = old["subject"]?.DeepClone(),
            ["urgent"] = false,
        })
        .UpcastJson("ticket-opened-legacy", "ticket-opened-v1", old => new JsonObject
        {
            ["id"] = "t-" + old["number"]?.GetValue<int>(),
            ["title"] = old["text"]?.DeepClone(),
        });

    private static EventData Raw(string type, string json) => new(NewEventId(), type, Json(json), EventMetadata.Empty);
}
