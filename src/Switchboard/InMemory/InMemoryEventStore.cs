using Switchboard.EventSourcing;

namespace Switchboard.InMemory;

/// <summary>
/// An event store in process memory, for tests and benchmarks: the semantics of the database stores (atomic
/// batches, expected versions, idempotent re-appends, one writer at a time, transactions that commit or leave a
/// hole), nothing durable. Events become visible at commit, in position order, so readers never skip one.
/// </summary>
/// <remarks>
/// <see cref="WaitForEventsAsync"/> wakes at the commit of an append to this instance. A transaction holds the
/// store's one writer until it ends. It has no SQL: it is not an <see cref="ISqlEventStore"/>, so projections that
/// keep their read model in tables do not run on it.
/// </remarks>
public sealed class InMemoryEventStore : IEventStore, ICheckpointStore, ISnapshotStore, IEventStoreEnlistment
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<RecordedEvent> _all = [];
    private readonly Dictionary<string, List<RecordedEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecordedEvent> _byEventId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Snapshot> _snapshots = new(StringComparer.Ordinal);
    private TaskCompletionSource _appended = NewSignal();
    private long _lastPosition;

    /// <summary>Creates an empty store.</summary>
    public InMemoryEventStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name => "in-memory";

    /// <inheritdoc />
    public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        await using var transaction = await BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await transaction.AppendAsync(streamId, expectedVersion, events, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>Appends join units of work of any <see cref="InMemoryMessageStore"/>: they are checked and staged when the unit commits, before the store's own changes.</remarks>
    public bool CanEnlistIn(Persistence.IMessageStore store) => store is InMemoryMessageStore;

    /// <inheritdoc />
    public ValueTask EnlistAppendAsync(Persistence.IStoreTransaction transaction, string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendRules.Validate(streamId, events);
        var unit = transaction as InMemoryMessageStore.Transaction
            ?? throw new ArgumentException("Not a unit of work of the in-memory store.", nameof(transaction));
        unit.Work(w => w.Store == this, () => new EnlistedAppends(this)).Add(streamId, expectedVersion, events);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        lock (_gate)
        {
            if (!_streams.TryGetValue(streamId, out var stream))
            {
                return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>([]);
            }

            IEnumerable<RecordedEvent> slice = direction == ReadDirection.Forwards
                ? stream.Skip((int)Math.Clamp(fromVersion - 1, 0, stream.Count))
                : stream.Take((int)Math.Clamp(fromVersion, 0, stream.Count)).Reverse();
            return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(slice.Take(maxCount).ToList());
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_streams.TryGetValue(streamId, out var stream) ? (long)stream.Count : 0);
        }
    }

    /// <inheritdoc />
    public ValueTask<EventPage> ReadAllAsync(long afterPosition, int maxCount, EventFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        filter ??= EventFilter.All;
        lock (_gate)
        {
            var events = new List<RecordedEvent>(Math.Min(maxCount, 1024));
            for (var index = FirstIndexAfter(afterPosition); index < _all.Count; index++)
            {
                var recorded = _all[index];
                if (!filter.Matches(recorded.StreamId, recorded.Type))
                {
                    continue;
                }

                events.Add(recorded);
                if (events.Count == maxCount)
                {
                    return ValueTask.FromResult(new EventPage(events, recorded.Position, IsEnd: false));
                }
            }

            var end = _all.Count == 0 ? 0 : _all[^1].Position;
            return ValueTask.FromResult(new EventPage(events, Math.Max(afterPosition, end), IsEnd: true));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetEndPositionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_all.Count == 0 ? 0 : _all[^1].Position);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> CountEventsAfterAsync(long position, long limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Math.Min(limit, (long)(_all.Count - FirstIndexAfter(position))));
        }
    }

    /// <inheritdoc />
    public async ValueTask WaitForEventsAsync(long afterPosition, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        Task signal;
        lock (_gate)
        {
            if (_all.Count > 0 && _all[^1].Position > afterPosition)
            {
                return;
            }

            signal = _appended.Task;
        }

        try
        {
            await signal.WaitAsync(maxWait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing new within maxWait: the caller reads anyway (it polls).
        }
    }

    /// <inheritdoc />
    public async ValueTask<IEventStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTransaction(this);
    }

    /// <inheritdoc />
    public ValueTask<long?> LoadCheckpointAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_checkpoints.TryGetValue(name, out var position) ? position : (long?)null);
        }
    }

    /// <inheritdoc />
    public ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            _checkpoints[name] = position;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteCheckpointAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _checkpoints.Remove(name);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<Snapshot?> LoadSnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_snapshots.GetValueOrDefault(streamId));
        }
    }

    /// <inheritdoc />
    public ValueTask SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            if (!_snapshots.TryGetValue(snapshot.StreamId, out var existing) || existing.Version <= snapshot.Version)
            {
                _snapshots[snapshot.StreamId] = snapshot with { Data = snapshot.Data.ToArray() };
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int FirstIndexAfter(long position)
    {
        var low = 0;
        var high = _all.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_all[middle].Position <= position)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private long CommittedVersion(string streamId) => _streams.TryGetValue(streamId, out var stream) ? stream.Count : 0;

    private void Publish(List<RecordedEvent> staged, Dictionary<string, long> checkpoints)
    {
        TaskCompletionSource appended;
        lock (_gate)
        {
            foreach (var recorded in staged)
            {
                _all.Add(recorded);
                _byEventId[recorded.EventId] = recorded;
                if (!_streams.TryGetValue(recorded.StreamId, out var stream))
                {
                    _streams[recorded.StreamId] = stream = [];
                }

                stream.Add(recorded);
            }

            foreach (var (name, position) in checkpoints)
            {
                _checkpoints[name] = position;
            }

            appended = _appended;
            if (staged.Count > 0)
            {
                _appended = NewSignal();
            }
        }

        if (staged.Count > 0)
        {
            appended.TrySetResult();
        }
    }

    // Holds the store's one writer from begin to commit or dispose, like a database's write lock.
    private sealed class WriteTransaction(InMemoryEventStore store) : IEventStoreTransaction
    {
        private readonly List<RecordedEvent> _staged = [];
        private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);
        private bool _ended;

        public ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
        {
            EnsureOpen();
            AppendRules.Validate(streamId, events);
            lock (store._gate)
            {
                if (AppendRules.FindRepeat(streamId, events, id => Find(id)) is { } repeat)
                {
                    return ValueTask.FromResult(repeat);
                }

                var version = store.CommittedVersion(streamId) + _staged.Count(e => e.StreamId == streamId);
                if (!expectedVersion.IsSatisfiedBy(version))
                {
                    throw new WrongExpectedVersionException(streamId, expectedVersion, version);
                }

                var created = store._time.GetUtcNow();
                var batch = new List<RecordedEvent>(events.Count);
                foreach (var data in events)
                {
                    batch.Add(new RecordedEvent(streamId, ++version, ++store._lastPosition, data.EventId, data.Type, data.Data.ToArray(), data.Metadata, created));
                }

                _staged.AddRange(batch);
                return ValueTask.FromResult(new AppendResult(version, batch[^1].Position));
            }
        }

        public ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default)
        {
            EnsureOpen();
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            _checkpoints[name] = position;
            return ValueTask.CompletedTask;
        }

        public ValueTask CommitAsync(CancellationToken cancellationToken = default)
        {
            EnsureOpen();
            store.Publish(_staged, _checkpoints);
            End();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_ended)
            {
                End();
            }

            return ValueTask.CompletedTask;
        }

        private RecordedEvent? Find(string eventId) =>
            store._byEventId.GetValueOrDefault(eventId) ?? _staged.Find(e => e.EventId == eventId);

        private void End()
        {
            _ended = true;
            store._writer.Release();
        }

        private void EnsureOpen() => ObjectDisposedException.ThrowIf(_ended, this);
    }
}
