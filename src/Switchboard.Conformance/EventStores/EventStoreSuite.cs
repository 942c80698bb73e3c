using System.Text;
using System.Text.Json;
using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Base of every event store suite: an isolated store per test (<see cref="IEventStoreScope"/>), store instances on
/// it (each another "process"), events with fresh ids, a reader that pages through all events, and live subscribers.
/// Suites test the contracts only (<see cref="IEventStore"/>, with the <see cref="ICheckpointStore"/> and
/// <see cref="ISnapshotStore"/> every store under them offers too); they never look at a provider's internals.
/// </summary>
public abstract class EventStoreSuite<TFactory> : IAsyncLifetime
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>The stored type name of <see cref="NewEvent"/>'s events unless another is given.</summary>
    protected const string DefaultType = "test-event";

    private readonly List<IEventStore> _stores = [];
    private readonly List<EventSubscriber> _subscribers = [];
    private readonly List<IAsyncDisposable> _tracked = [];
    private IEventStoreScope? _scope;

    /// <summary>Generous timeout for waiting on events and state: suites check behaviour, not speed.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>How long a test gives something a chance to happen when it asserts that it did not.</summary>
    protected static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(1000);

    /// <summary>The provider's factory.</summary>
    protected TFactory Factory { get; } = new();

    /// <summary>The test's store.</summary>
    protected IEventStoreScope Scope => _scope ?? throw new InvalidOperationException("The test has not been initialised.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _scope = await Factory.CreateScopeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        for (var index = _tracked.Count - 1; index >= 0; index--)
        {
            await _tracked[index].DisposeAsync().ConfigureAwait(false);
        }

        foreach (var subscriber in _subscribers)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var store in _stores)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        if (_scope is not null)
        {
            await _scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes <paramref name="disposable"/> with the test, before the stores it uses (last tracked, first disposed).</summary>
    protected T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _tracked.Add(disposable);
        return disposable;
    }

    /// <summary>A new, initialized store instance on the test's data (another "process"); disposed with the test.</summary>
    protected async Task<IEventStore> OpenStoreAsync()
    {
        var store = Scope.CreateStore();
        _stores.Add(store);
        await store.InitializeAsync().ConfigureAwait(false);
        return store;
    }

    /// <summary>The checkpoints of <paramref name="store"/>, which every store under these suites keeps.</summary>
    protected static ICheckpointStore Checkpoints(IEventStore store) => Assert.IsAssignableFrom<ICheckpointStore>(store);

    /// <summary>The snapshots of <paramref name="store"/>, which every store under these suites keeps.</summary>
    protected static ISnapshotStore Snapshots(IEventStore store) => Assert.IsAssignableFrom<ISnapshotStore>(store);

    /// <summary>
    /// Starts a live subscriber on <paramref name="store"/> that reads every event after <paramref name="afterPosition"/>
    /// passing <paramref name="filter"/>, in pages of <paramref name="pageSize"/>; stopped with the test.
    /// </summary>
    protected EventSubscriber StartSubscriber(IEventStoreReader store, long afterPosition = 0, EventFilter? filter = null, int pageSize = 50)
    {
        var subscriber = EventSubscriber.Start(store, afterPosition, filter, pageSize);
        _subscribers.Add(subscriber);
        return subscriber;
    }

    /// <summary>A stream id in <paramref name="category"/> that no other test uses.</summary>
    protected static string NewStreamId(string category = "test") => $"{category}-{Guid.NewGuid():N}";

    /// <summary>A new event id.</summary>
    protected static string NewEventId() => Guid.NewGuid().ToString();

    /// <summary>An event with a fresh id (unless given), of <paramref name="type"/>, whose JSON data carries <paramref name="number"/>.</summary>
    protected static EventData NewEvent(int number = 0, string type = DefaultType, EventMetadata? metadata = null, string? eventId = null) =>
        new(eventId ?? NewEventId(), type, Json($$"""{"number":{{number}},"text":"Zoë \"é\" №{{number}}"}"""), metadata ?? EventMetadata.Empty);

    /// <summary><paramref name="count"/> events with fresh ids, numbered from <paramref name="firstNumber"/>.</summary>
    protected static IReadOnlyList<EventData> NewEvents(int count, string type = DefaultType, int firstNumber = 1) =>
        Enumerable.Range(firstNumber, count).Select(n => NewEvent(n, type)).ToList();

    /// <summary>UTF-8 bytes of a JSON text.</summary>
    protected static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>Reads every event of the stream, forwards from version 1.</summary>
    protected static async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(IEventStoreReader store, string streamId) =>
        await store.ReadStreamAsync(streamId, 1, ReadDirection.Forwards, 100_000).ConfigureAwait(false);

    /// <summary>
    /// Reads all events after <paramref name="afterPosition"/> that pass <paramref name="filter"/>, page by page
    /// (each continuing from the previous page's <see cref="EventPage.NextPosition"/>) until a page is the end.
    /// </summary>
    protected static async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(IEventStoreReader store, long afterPosition = 0, EventFilter? filter = null, int pageSize = 100)
    {
        var events = new List<RecordedEvent>();
        var position = afterPosition;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1_000_000, "Reading all events did not reach the end.");
            var page = await store.ReadAllAsync(position, pageSize, filter).ConfigureAwait(false);
            Assert.True(page.Events.Count <= pageSize, $"A page of at most {pageSize} events had {page.Events.Count}.");
            Assert.True(page.NextPosition >= position, $"A page read after {position} continues at {page.NextPosition}, before where it started.");
            events.AddRange(page.Events);
            if (page.IsEnd)
            {
                return events;
            }

            Assert.True(page.Events.Count > 0 || page.NextPosition > position, $"A page read after {position} that is not the end neither returned events nor moved on.");
            position = page.NextPosition;
        }
    }

    /// <summary>Asserts that the events' positions are positive and strictly increasing.</summary>
    protected static void AssertStrictlyIncreasingPositions(IReadOnlyList<RecordedEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            Assert.True(events[i].Position > 0, $"Event {events[i].EventId} has position {events[i].Position}.");
            if (i > 0)
            {
                Assert.True(events[i].Position > events[i - 1].Position, $"Position {events[i].Position} comes after {events[i - 1].Position}.");
            }
        }
    }

    /// <summary>Asserts that <paramref name="events"/> are exactly the events with <paramref name="expectedIds"/>, in that order.</summary>
    protected static void AssertIds(IEnumerable<string> expectedIds, IEnumerable<RecordedEvent> events) =>
        Assert.Equal(expectedIds.ToList(), events.Select(e => e.EventId).ToList());

    /// <summary>Asserts that a stream's events have versions 1..N and are those of <paramref name="expectedIds"/>, in order.</summary>
    protected static async Task AssertStreamAsync(IEventStoreReader store, string streamId, IReadOnlyList<string> expectedIds)
    {
        var events = await ReadStreamAsync(store, streamId).ConfigureAwait(false);
        AssertIds(expectedIds, events);
        Assert.Equal(Enumerable.Range(1, expectedIds.Count).Select(v => (long)v), events.Select(e => e.StreamVersion));
        Assert.All(events, e => Assert.Equal(streamId, e.StreamId));
        Assert.Equal(expectedIds.Count, await store.GetStreamVersionAsync(streamId).ConfigureAwait(false));
    }

    /// <summary>Asserts that two JSON texts are the same value (a store may normalize whitespace and key order).</summary>
    protected static void AssertSameJson(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        Assert.True(JsonElement.DeepEquals(e.RootElement, a.RootElement), $"Expected JSON {Encoding.UTF8.GetString(expected.Span)}, got {Encoding.UTF8.GetString(actual.Span)}.");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="Patience"/>.</summary>
    protected static Task WaitForAsync(Func<ValueTask<bool>> condition, string what) => WaitForAsync(condition, () => what);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="Patience"/>, saying <paramref name="what"/> was awaited (and how far it got).</summary>
    protected static async Task WaitForAsync(Func<ValueTask<bool>> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Patience} waiting for {what()}.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="action"/> and returns what it threw, or null when it succeeded.</summary>
    protected static async Task<Exception?> OutcomeAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>
    /// Asserts that an append was refused with <see cref="WrongExpectedVersionException"/> naming the stream, the
    /// expectation and <paramref name="actualVersion"/>.
    /// </summary>
    protected static async Task AssertWrongExpectedVersionAsync(Func<Task> append, string streamId, ExpectedVersion expected, long actualVersion)
    {
        var refused = await Assert.ThrowsAsync<WrongExpectedVersionException>(append).ConfigureAwait(false);
        Assert.Equal(streamId, refused.StreamId);
        Assert.Equal(expected, refused.Expected);
        Assert.Equal(actualVersion, refused.ActualVersion);
    }
}
