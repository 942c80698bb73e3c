using Switchboard.EventSourcing;
using Switchboard.InMemory;

namespace Switchboard.Tests.EventSourcing;

/// <summary>
/// The in-memory store is the one whose units of work can span two event stores (SQL stores enlist only event stores
/// in their own database): each event store gets its own appends, and they commit or roll back with the unit.
/// </summary>
public sealed class InMemoryEnlistmentTests
{
    [Fact]
    public async Task A_unit_that_appends_to_two_in_memory_event_stores_commits_each_stores_own_events()
    {
        await using var messages = new InMemoryMessageStore();
        await using var first = new InMemoryEventStore();
        await using var second = new InMemoryEventStore();

        await using (var unit = await messages.BeginAsync())
        {
            await first.EnlistAppendAsync(unit, "order-1", ExpectedVersion.NoStream, [Event("a")]);
            await second.EnlistAppendAsync(unit, "order-2", ExpectedVersion.NoStream, [Event("b"), Event("c")]);
            await unit.CommitAsync();
        }

        Assert.Equal(1, await first.GetStreamVersionAsync("order-1"));
        Assert.Equal(0, await first.GetStreamVersionAsync("order-2"));
        Assert.Equal(2, await second.GetStreamVersionAsync("order-2"));
        Assert.Equal(0, await second.GetStreamVersionAsync("order-1"));
    }

    [Fact]
    public async Task A_unit_that_appends_to_two_in_memory_event_stores_and_does_not_commit_leaves_both_untouched()
    {
        await using var messages = new InMemoryMessageStore();
        await using var first = new InMemoryEventStore();
        await using var second = new InMemoryEventStore();

        await using (var unit = await messages.BeginAsync())
        {
            await first.EnlistAppendAsync(unit, "order-1", ExpectedVersion.NoStream, [Event("a")]);
            await second.EnlistAppendAsync(unit, "order-2", ExpectedVersion.NoStream, [Event("b")]);
        }

        Assert.Equal(0, await first.GetStreamVersionAsync("order-1"));
        Assert.Equal(0, await second.GetStreamVersionAsync("order-2"));
    }

    private static EventData Event(string id) => new(id, "tests.event", "{}"u8.ToArray(), EventMetadata.Empty);
}
