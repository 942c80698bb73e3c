using Switchboard.EventSourcing;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// A live reader, as a subscription reads: pages of all events from a position, each read continuing from the
/// previous page's <see cref="EventPage.NextPosition"/>, and <see cref="IEventStoreReader.WaitForEventsAsync"/> (100 ms at
/// most) when a page is the end. It records every event it gets, and every event that does not come after the one
/// before it in position order. A failed read stops it and is rethrown by <see cref="WaitForCountAsync"/> and
/// <see cref="StopAsync"/>.
/// </summary>
public sealed class EventSubscriber : IAsyncDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(100);

    private readonly IEventStoreReader _store;
    private readonly EventFilter? _filter;
    private readonly int _pageSize;
    private readonly List<RecordedEvent> _events = [];
    private readonly List<string> _outOfOrder = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task _loop = Task.CompletedTask;
    private long _position;
    private long _pages;

    private EventSubscriber(IEventStoreReader store, long afterPosition, EventFilter? filter, int pageSize)
    {
        _store = store;
        _position = afterPosition;
        _filter = filter;
        _pageSize = pageSize;
    }

    /// <summary>Every event received so far, in the order received.</summary>
    public IReadOnlyList<RecordedEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>How many events were received so far.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Descriptions of events received at a position not after the previous event's, or before the position read from.</summary>
    public IReadOnlyList<string> OutOfOrder
    {
        get
        {
            lock (_lock)
            {
                return [.. _outOfOrder];
            }
        }
    }

    /// <summary>How many pages it read so far (a sign of life).</summary>
    public long Pages => Interlocked.Read(ref _pages);

    /// <summary>The position the next read continues after.</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>Starts reading after <paramref name="afterPosition"/>.</summary>
    public static EventSubscriber Start(IEventStoreReader store, long afterPosition, EventFilter? filter = null, int pageSize = 50)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var subscriber = new EventSubscriber(store, afterPosition, filter, pageSize);
        subscriber._loop = Task.Run(subscriber.RunAsync);
        return subscriber;
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived; throws <see cref="TimeoutException"/> after <paramref name="patience"/>.</summary>
    public async Task WaitForCountAsync(int count, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (Count < count)
        {
            if (_loop.IsCompleted)
            {
                await _loop.ConfigureAwait(false);
                throw new InvalidOperationException($"The subscriber stopped after {Count} of {count} events.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {patience} waiting for the subscriber to receive {count} events; it has {Count}, read {Pages} pages and is after position {Position}.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until it has read at least <paramref name="pages"/> more pages (so it saw what the store has now).</summary>
    public async Task WaitForPagesAsync(long pages, TimeSpan patience)
    {
        var target = Pages + pages;
        var deadline = DateTime.UtcNow + patience;
        while (Pages < target)
        {
            if (_loop.IsCompleted)
            {
                await _loop.ConfigureAwait(false);
                throw new InvalidOperationException("The subscriber stopped.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {patience} waiting for the subscriber to read {pages} more pages; it read {Pages}.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Stops reading; rethrows what made it fail, if anything did.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The test that started it reports its failures; disposal only stops it.
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var cancellationToken = _stop.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            var after = Position;
            var page = await _store.ReadAllAsync(after, _pageSize, _filter, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                var previous = _events.Count > 0 ? _events[^1].Position : after;
                foreach (var recorded in page.Events)
                {
                    if (recorded.Position <= previous)
                    {
                        _outOfOrder.Add($"{recorded.EventId} at position {recorded.Position} after {previous} (read after {after})");
                    }

                    previous = Math.Max(previous, recorded.Position);
                    _events.Add(recorded);
                }

                if (page.NextPosition < after)
                {
                    _outOfOrder.Add($"A page read after {after} continues at {page.NextPosition}.");
                }
            }

            Interlocked.Exchange(ref _position, Math.Max(after, page.NextPosition));
            Interlocked.Increment(ref _pages);
            if (page.IsEnd)
            {
                await _store.WaitForEventsAsync(Position, MaxWait, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
