using System.Text;
using Xunit;
using Switchboard.EventSourcing;

namespace Switchboard.Testing.EventSourcing;

/// <summary>
/// Base of the suites for what runs on top of an event store (subscriptions, projections, aggregates): an isolated
/// store per test, initialized instances on it, and helpers to append and to wait.
/// </summary>
public abstract class EventSourcingSuite<TFactory> : IAsyncLifetime
    where TFactory : IEventStoreFactory, new()
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private IEventStoreScope? _scope;

    /// <summary>Generous timeout for waiting on events: suites check behaviour, not speed.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The provider's factory.</summary>
    protected TFactory Factory { get; } = new();

    /// <summary>The test's store.</summary>
    protected IEventStoreScope Scope => _scope ?? throw new InvalidOperationException("The test has not been initialised.");

    /// <summary>The event type map of the suites' test events.</summary>
    protected static EventTypeMap Types { get; } = new EventTypeMap()
        .Map<Counted>("counted")
        .Map<Renamed>("renamed");

    /// <inheritdoc />
    public async Task InitializeAsync() => _scope = await Factory.CreateScopeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        for (var index = _disposables.Count - 1; index >= 0; index--)
        {
            await _disposables[index].DisposeAsync().ConfigureAwait(false);
        }

        if (_scope is not null)
        {
            await _scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes <paramref name="disposable"/> with the test (before the store it uses).</summary>
    protected T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    /// <summary>A new, initialized store instance on the test's data ("another process"); disposed with the test.</summary>
    protected async Task<IEventStore> OpenStoreAsync()
    {
        var store = Scope.CreateStore();
        _disposables.Insert(0, store);
        await store.InitializeAsync().ConfigureAwait(false);
        return store;
    }

    /// <summary>Appends <paramref name="count"/> <see cref="Counted"/> events to <paramref name="stream"/>, one append each; the last result.</summary>
    protected static async Task<AppendResult> AppendCountedAsync(IEventStore store, string stream, int count, int amount = 1)
    {
        var result = default(AppendResult);
        for (var index = 0; index < count; index++)
        {
            result = await store.AppendAsync(stream, ExpectedVersion.Any, [Types.ToEventData(new Counted(amount))]).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Raw event data of type <paramref name="type"/> with a fresh id (for types the map does not know).</summary>
    protected static EventData Raw(string type, string json) =>
        new(Guid.NewGuid().ToString(), type, Encoding.UTF8.GetBytes(json), EventMetadata.Empty);

    /// <summary>Every event in the store, in global order.</summary>
    protected static async Task<List<RecordedEvent>> ReadEverythingAsync(IEventStore store)
    {
        var all = new List<RecordedEvent>();
        var position = 0L;
        while (true)
        {
            var page = await store.ReadAllAsync(position, 500).ConfigureAwait(false);
            all.AddRange(page.Events);
            position = page.NextPosition;
            if (page.IsEnd)
            {
                return all;
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="Patience"/>.</summary>
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
}

/// <summary>A test event: something counted <see cref="Amount"/>.</summary>
public sealed record Counted(int Amount);

/// <summary>A test event: something got a new name.</summary>
public sealed record Renamed(string Name);
