using System.Data.Common;
using Switchboard.EventSourcing;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// A unit of work on the SQLite store, in one of two modes. Deferred (the default): reads go to a reader
/// connection and every write (the handlers' <see cref="StoreWrite"/>s and event appends included) waits for
/// <see cref="CommitAsync"/>, which hands them to the writer as one operation in its next group commit, so units
/// of work share fsyncs and no handler holds the writer. Leased: the first call to
/// <see cref="GetDbTransactionAsync"/> borrows the writer's connection (<see cref="UnitOfWorkLease"/>), writes what
/// was deferred so far, and from then on everything runs on it at once.
/// </summary>
internal sealed class SqliteStoreTransaction(SqliteMessageStore store) : ISqlStoreTransaction
{
    private readonly DeferredWrites _deferred = new();
    private UnitOfWorkLease? _lease;
    private WriteBatch? _batch;
    private bool _finished;
    private Exception? _failure;

    public async ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default)
    {
        var batch = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        return batch.Transaction;
    }

    public ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        if (_batch is { } batch)
        {
            return ValueTask.FromResult(StoreCommands.RecordHandled(batch, endpoint, messageId));
        }

        // A duplicate committed between this check and the commit fails the commit with a conflict instead.
        if (_deferred.Handled.Contains((endpoint, messageId)) || store.WasHandled(endpoint, messageId))
        {
            return ValueTask.FromResult(false);
        }

        _deferred.Handled.Add((endpoint, messageId));
        return ValueTask.FromResult(true);
    }

    public ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken = default)
    {
        var own = _deferred.Sagas.FindLast(w => w.Record.Saga == saga && w.Record.Key == key);
        if (own.Record is not null)
        {
            return ValueTask.FromResult<SagaRecord?>(own.Record);
        }

        return ValueTask.FromResult(_batch is { } batch
            ? StoreCommands.LoadSaga(batch.Raw(StoreCommands.LoadSagaSql), saga, key)
            : store.LoadSaga(saga, key));
    }

    public ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var saved = record with { Version = expectedVersion + 1 };
        if (_batch is { } batch)
        {
            StoreCommands.SaveSaga(batch, saved, expectedVersion);
        }

        _deferred.Sagas.Add((saved, expectedVersion));
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        if (_batch is { } batch)
        {
            foreach (var message in messages)
            {
                StoreCommands.Enlist(batch, message, store.JoinsTransport);
            }
        }
        else
        {
            _deferred.Outgoing.AddRange(messages);
        }

        return ValueTask.FromResult(!store.JoinsTransport);
    }

    public ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_batch is { } batch)
        {
            try
            {
                StoreCommands.RunWrite(batch, write);
            }
            catch (Exception e)
            {
                // Even if the handler catches this, the unit must not commit without the write.
                _failure = e;
                throw;
            }

            return ValueTask.CompletedTask;
        }

        _deferred.Writes.Add(write);
        return ValueTask.CompletedTask;
    }

    /// <summary>An append of the event store in this file, joined to the unit (see <see cref="Events.SqliteEventStore"/>).</summary>
    public void EnlistAppend(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_batch is { } batch)
        {
            try
            {
                DeferredWrites.Append(batch, streamId, expected, events);
            }
            catch (Exception e)
            {
                _failure = e;
                throw;
            }

            return;
        }

        _deferred.Appends.Add((streamId, expected, [.. events]));
    }

    /// <summary>The acknowledgement of a delivery of the transport in this file, joined to the unit (see <see cref="SqliteDelivery"/>).</summary>
    public void EnlistCompletion(string queue, long seq, long lease)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_batch is { } batch)
        {
            DeferredWrites.Complete(batch, queue, seq, lease);
            return;
        }

        _deferred.Completions.Add((queue, seq, lease));
    }

    /// <summary>Whether this unit of work writes through <paramref name="writer"/> (the file's one writer).</summary>
    public bool WritesThrough(SqliteWriter writer) => ReferenceEquals(store.Writer, writer);

    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        _finished = true;
        if (_failure is not null)
        {
            _lease?.Finish(commit: false);
            throw _failure is ConcurrencyConflictException conflict
                ? new ConcurrencyConflictException(conflict.Message, conflict)
                : new InvalidOperationException("A statement of this unit of work failed earlier; it cannot commit.", _failure);
        }

        if (_lease is { } lease)
        {
            lease.Finish(commit: true);
            await lease.Completion.ConfigureAwait(false);
            return;
        }

        if (_deferred.IsEmpty)
        {
            return;
        }

        await store.Writer.ExecuteAsync(new UnitOfWorkWrite(_deferred, store.JoinsTransport), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            _lease?.Finish(commit: false);
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<WriteBatch> LeaseAsync(CancellationToken cancellationToken)
    {
        if (_batch is not null)
        {
            return _batch;
        }

        ObjectDisposedException.ThrowIf(_finished, this);
        var lease = new UnitOfWorkLease(store.Logger);
        _lease = lease;
        await store.Writer.EnqueueAsync(lease, cancellationToken).ConfigureAwait(false);
        var batch = await lease.Granted.ConfigureAwait(false);
        _batch = batch;

        // What was deferred so far now runs on the lent connection; a conflict surfaces here, and the unit cannot commit.
        try
        {
            _deferred.WriteTo(batch, store.JoinsTransport);
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }

        _deferred.ClearWritten();
        return batch;
    }
}
