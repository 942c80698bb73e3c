using System.Data.Common;
using Switchboard.EventSourcing;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// A unit of work on the PostgreSQL store, in one of two modes. Deferred (<see cref="DeferredMode"/>, the default):
/// no connection is held while handlers run, and the writes (handlers' enlisted statements included) go in one batch
/// at the commit, a single round trip. Live (<see cref="LiveMode"/>): the first call to
/// <see cref="GetDbTransactionAsync"/> takes a connection from the pool with a READ COMMITTED transaction for the
/// handler's own SQL, writes what was deferred so far on it, and from then on every statement runs on it at once. This class keeps what belongs to the
/// unit of work whatever its mode: whether it can still be used, a failure that forbids its commit, the switch, the
/// ordinals of its events and what runs after its commit.
/// </summary>
/// <remarks>
/// <para>
/// Round trips of a deferred unit of work (a saga's message through the transaction step): the saga load, one; the
/// inbox record, none, because the transaction step has just asked <see cref="PostgreSqlMessageStore.WasHandledAsync"/>
/// (see <see cref="UnhandledHints"/>; without that hint, one read of the committed inbox); the saga save, event
/// appends (<see cref="PostgreSqlEventStore.EnlistAppendAsync"/>) and the outbox messages, none (kept in memory); the
/// commit, one.
/// </para>
/// <para>
/// Listeners of an event store learn of the appends after the commit (<see cref="PostgreSqlEventStore.Appended"/>),
/// not by a <c>NOTIFY</c> in the unit of work's transaction, which would hold PostgreSQL's notification lock through
/// the commit's disk flush and serialize every appending commit (see <see cref="AppendNotifier"/>).
/// </para>
/// </remarks>
internal sealed class PostgreSqlStoreTransaction(PostgreSqlMessageStore store) : ISqlStoreTransaction
{
    // The event stores this unit of work appended to, whose listeners wake once the commit is durable.
    private List<PostgreSqlEventStore>? _appendedTo;
    private StoreTransactionMode _mode = new DeferredMode(store);
    private bool _ended;
    private Exception? _failure;
    private bool _disposed;

    // The events enlisted so far: the next append's first ordinal (positions are (transaction id << 20) + ordinal).
    private int _eventsEnlisted;

    /// <summary>The store of this unit of work.</summary>
    public PostgreSqlMessageStore Store => store;

    public async ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default) =>
        (await LiveAsync(cancellationToken).ConfigureAwait(false)).Transaction;

    public ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ThrowIfUnusable();
        return _mode.TryRecordHandledAsync(endpoint, messageId, cancellationToken);
    }

    public ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        return _mode.LoadSagaAsync(saga, key, cancellationToken);
    }

    public ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        return _mode.SaveSagaAsync(record, expectedVersion, cancellationToken);
    }

    public async ValueTask<bool> EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (messages.Count > 0)
        {
            await _mode.EnlistAsync(messages, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    // Deferred: kept for the commit batch, where a row count other than the expected one rolls the whole unit back.
    // Live: runs at once; a failed statement (also a row count the write did not expect) ends the unit of work even if
    // the handler catches it: the commit throws, and disposing rolls everything back.
    public async ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ThrowIfUnusable();
        try
        {
            await _mode.EnlistWriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
    }

    /// <summary>
    /// Appends to a stream of <paramref name="eventStore"/>, whose tables are on this store's database, in this unit of
    /// work: at once when it is live, else in the commit batch. Whatever fails here ends the unit of work, even if the
    /// caller catches it: it must not commit without the events. After the commit, the event store's listeners wake.
    /// </summary>
    public async ValueTask EnlistAppendAsync(PostgreSqlEventStore eventStore, string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (events.Count > EventStoreSql.MaxEventsPerTransaction - _eventsEnlisted)
        {
            throw new InvalidOperationException($"switchboard: one unit of work can append at most {EventStoreSql.MaxEventsPerTransaction} events.");
        }

        var append = new EnlistedAppend(eventStore, streamId, expectedVersion, events, eventStore.Now, _eventsEnlisted);
        _eventsEnlisted += events.Count;
        try
        {
            await _mode.EnlistAppendAsync(append, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }

        _appendedTo ??= [];
        if (!_appendedTo.Contains(eventStore))
        {
            _appendedTo.Add(eventStore);
        }
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_failure is not null)
        {
            throw store.IsConcurrencyConflict(_failure)
                ? new ConcurrencyConflictException("A statement of this unit of work lost a concurrency race: " + _failure.Message, _failure)
                : new InvalidOperationException("A statement of this unit of work failed earlier; it cannot commit.", _failure);
        }

        ThrowIfUnusable();

        // Whatever happens next, this unit of work is over: a failed commit is not tried again.
        _ended = true;
        await _mode.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (_appendedTo is null)
        {
            return;
        }

        foreach (var eventStore in _appendedTo)
        {
            eventStore.Appended();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _mode.DisposeAsync().ConfigureAwait(false);
    }

    // Live from here on: a pooled connection with a READ COMMITTED transaction, and what was deferred written on it in
    // one batch. A failure to open changes nothing; a conflict among the deferred writes ends the unit of work.
    private async ValueTask<LiveMode> LiveAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (_mode is LiveMode open)
        {
            return open;
        }

        var deferred = (DeferredMode)_mode;
        var live = await LiveMode.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        _mode = live;
        try
        {
            await deferred.MoveToAsync(live, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Its writes are incomplete: nothing more may run on it. Disposing rolls it back.
            _ended = true;
            throw;
        }

        return live;
    }

    private void Fail(Exception e)
    {
        _failure = e;
        _ended = true;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended)
        {
            throw new InvalidOperationException("This unit of work has ended: it committed, or its commit or writes failed.");
        }
    }
}
