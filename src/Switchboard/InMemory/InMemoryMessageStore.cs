using Switchboard.Auditing;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.InMemory;

/// <summary>
/// A store in process memory, for tests and benchmarks: the same semantics as the database stores (atomic commit,
/// optimistic concurrency, an inbox insert that waits for a concurrent one to commit or roll back), nothing
/// durable. It has no database connection for handlers.
/// </summary>
public sealed class InMemoryMessageStore : IAuditLogStore, IOutboxStore
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<(string Saga, string Key), SagaRecord> _sagas = [];
    private readonly Dictionary<(string Endpoint, string MessageId), DateTimeOffset> _inbox = [];
    private readonly Dictionary<(string Endpoint, string MessageId), Task> _inboxInFlight = [];
    private readonly Dictionary<string, OutboxRow> _outbox = new(StringComparer.Ordinal);

    /// <summary>Creates an empty store.</summary>
    public InMemoryMessageStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name => "in-memory";

    /// <inheritdoc />
    public IOutboxStore Outbox => this;

    /// <inheritdoc />
    public IAuditLog AuditLog { get; } = new InMemoryAuditLog();

    /// <inheritdoc />
    public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask<IStoreTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IStoreTransaction>(new Transaction(this));

    /// <inheritdoc />
    public ValueTask<bool> WasHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        lock (_gate)
        {
            return ValueTask.FromResult(_inbox.ContainsKey((endpoint, messageId)));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> PurgeInboxAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var old = _inbox.Where(e => e.Value < before).Select(e => e.Key).ToList();
            old.ForEach(k => _inbox.Remove(k));
            return ValueTask.FromResult(old.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, TimeSpan minimumAge, TimeSpan claimFor, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var due = _outbox.Values
                .Where(r => !r.Quarantined && r.DueAt <= now && r.Entry.CreatedAt <= now - minimumAge)
                .OrderBy(r => r.Entry.CreatedAt)
                .Take(max)
                .ToList();
            due.ForEach(r => r.DueAt = now + claimFor);
            return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(due.ConvertAll(r => r.Entry));
        }
    }

    /// <inheritdoc />
    public ValueTask MarkDispatchedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var id in messageIds)
            {
                _outbox.Remove(id);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask MarkFailedAsync(string messageId, string error, DateTimeOffset retryAt, bool quarantine, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_outbox.TryGetValue(messageId, out var row))
            {
                row.Entry = row.Entry with { Attempts = row.Entry.Attempts + 1, LastError = error };
                row.DueAt = retryAt;
                row.Quarantined = quarantine;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var pending = _outbox.Values.Where(r => !r.Quarantined).ToList();
            return ValueTask.FromResult(new OutboxStatistics(
                pending.Count,
                pending.Count == 0 ? null : pending.Min(r => r.Entry.CreatedAt),
                _outbox.Count - pending.Count));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(
                _outbox.Values.Where(r => r.Quarantined).OrderBy(r => r.Entry.CreatedAt).Take(max).Select(r => r.Entry).ToList());
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var released = 0;
            foreach (var row in _outbox.Values.Where(r => r.Quarantined && (messageIds is null || messageIds.Contains(r.Entry.Message.Envelope.MessageId))))
            {
                row.Quarantined = false;
                row.DueAt = now;
                row.Entry = row.Entry with { Attempts = 0 };
                released++;
            }

            return ValueTask.FromResult(released);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class OutboxRow(OutboxEntry entry, DateTimeOffset dueAt)
    {
        public OutboxEntry Entry { get; set; } = entry;

        public DateTimeOffset DueAt { get; set; } = dueAt;

        public bool Quarantined { get; set; }
    }

    internal sealed class Transaction(InMemoryMessageStore store) : IStoreTransaction
    {
        private readonly List<(SagaRecord Record, long Expected)> _sagaWrites = [];
        private readonly List<(string Endpoint, string MessageId)> _inboxClaims = [];
        private readonly List<OutgoingMessage> _outgoing = [];
        private readonly List<IInMemoryCommitWork> _work = [];
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _committed;

        public async ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
            var key = (endpoint, messageId);
            while (true)
            {
                Task other;
                lock (store._gate)
                {
                    if (store._inbox.ContainsKey(key))
                    {
                        return false;
                    }

                    if (!store._inboxInFlight.TryGetValue(key, out other!))
                    {
                        store._inboxInFlight[key] = _finished.Task;
                        _inboxClaims.Add(key);
                        return true;
                    }
                }

                // Like a unique index in a database: wait for the other transaction to commit or roll back.
                await other.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken = default)
        {
            var own = _sagaWrites.FindLast(w => w.Record.Saga == saga && w.Record.Key == key);
            if (own.Record is not null)
            {
                return ValueTask.FromResult<SagaRecord?>(own.Record);
            }

            lock (store._gate)
            {
                return ValueTask.FromResult(store._sagas.GetValueOrDefault((saga, key)));
            }
        }

        public ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken = default)
        {
            _sagaWrites.Add((record with { Version = expectedVersion + 1 }, expectedVersion));
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
        {
            _outgoing.AddRange(messages);
            return ValueTask.FromResult(true);
        }

        /// <summary>The work of this unit of work that <paramref name="matches"/>, added by <paramref name="create"/> on first use.</summary>
        public TWork Work<TWork>(Func<TWork, bool> matches, Func<TWork> create)
            where TWork : IInMemoryCommitWork
        {
            foreach (var work in _work)
            {
                if (work is TWork existing && matches(existing))
                {
                    return existing;
                }
            }

            var added = create();
            _work.Add(added);
            return added;
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                foreach (var work in _work)
                {
                    await work.PrepareAsync(cancellationToken).ConfigureAwait(false);
                }

                CommitOwn();
            }
            catch
            {
                await AbortWorkAsync().ConfigureAwait(false);
                throw;
            }

            foreach (var work in _work)
            {
                work.Commit();
            }

            _finished.TrySetResult();
        }

        private void CommitOwn()
        {
            var now = store._time.GetUtcNow();
            lock (store._gate)
            {
                for (var i = 0; i < _sagaWrites.Count; i++)
                {
                    var (record, expected) = _sagaWrites[i];
                    var current = store._sagas.GetValueOrDefault((record.Saga, record.Key))?.Version ?? 0;

                    // Several saves of one instance in this transaction chain their versions.
                    var chained = 0;
                    for (var j = 0; j < i; j++)
                    {
                        chained += _sagaWrites[j].Record.Saga == record.Saga && _sagaWrites[j].Record.Key == record.Key ? 1 : 0;
                    }

                    if (current + chained != expected)
                    {
                        throw new ConcurrencyConflictException($"Saga '{record.Saga}' {record.Key} is at version {current}, not {expected}.");
                    }
                }

                foreach (var (record, _) in _sagaWrites)
                {
                    store._sagas[(record.Saga, record.Key)] = record;
                }

                foreach (var key in _inboxClaims)
                {
                    store._inbox[key] = now;
                    store._inboxInFlight.Remove(key);
                }

                foreach (var message in _outgoing)
                {
                    // Due at once for the relay's purposes; its minimum age keeps it off while the committer dispatches.
                    store._outbox[message.Envelope.MessageId] = new OutboxRow(new OutboxEntry(message, now, 0, null), now);
                }

                _committed = true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                await AbortWorkAsync().ConfigureAwait(false);
                lock (store._gate)
                {
                    foreach (var key in _inboxClaims)
                    {
                        store._inboxInFlight.Remove(key);
                    }
                }

                _finished.TrySetResult();
            }
        }

        private async ValueTask AbortWorkAsync()
        {
            foreach (var work in _work)
            {
                await work.AbortAsync().ConfigureAwait(false);
            }
        }
    }
}
