using System.Data.Common;
using Npgsql;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql;

/// <summary>
/// A READ COMMITTED transaction on a pooled connection (<see cref="PostgreSqlEventStore.BeginTransactionAsync"/>).
/// Appends run the store's append statement on it, so readers see them only after the commit; the commit then
/// notifies the schema's listeners. Disposing without a commit rolls back and returns the connection to the pool.
/// </summary>
/// <remarks>
/// An append that found the stream at another version leaves the transaction usable. A lost race the database can
/// only report by failing the statement (a concurrent append committed one of the batch's ids, a deadlock between
/// transactions appending to the same streams in different orders) aborts the transaction: the append throws
/// <see cref="WrongExpectedVersionException"/> (actual version -1), a concurrency conflict that reruns the work, and the
/// transaction can no longer commit.
/// </remarks>
internal sealed class PostgreSqlEventStoreTransaction(PostgreSqlEventStore store, NpgsqlConnection connection, NpgsqlTransaction transaction) : ISqlEventStoreTransaction
{
    private bool _appended;

    // The ordinal of the next event this transaction appends: its positions are (transaction id << 20) + ordinal.
    private int _ordinal;
    private string? _aborted;
    private bool _ended;
    private bool _disposed;

    public DbConnection Connection => connection;

    public DbTransaction Transaction => transaction;

    public async ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        EventAppend.Validate(streamId, events);
        if (events.Count > EventStoreSql.MaxEventsPerTransaction - _ordinal)
        {
            throw new InvalidOperationException($"switchboard: one transaction can append at most {EventStoreSql.MaxEventsPerTransaction} events.");
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            (AppendResult? Result, DuplicateEventIdException? Duplicate) outcome;
            try
            {
                outcome = await EventAppend.ExecuteAsync(batch, EventAppend.Command(store.Sql, streamId, expectedVersion, events, store.Now, _ordinal), streamId, events, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                _aborted = e.MessageText;
                if (PostgreSqlEventStore.IsDuplicateIdRace(e) || e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                    throw new WrongExpectedVersionException(streamId, expectedVersion, -1);
                }

                if (EventAppend.IsBeyondPositions(e))
                {
                    throw EventAppend.BeyondPositions(e);
                }

                throw;
            }
            catch
            {
                _aborted = "an append failed";
                throw;
            }

            if (outcome.Duplicate is not null)
            {
                throw outcome.Duplicate;
            }

            if (outcome.Result is { AlreadyAppended: false } result)
            {
                _appended = true;
                _ordinal += events.Count;
                return result;
            }

            return outcome.Result ?? throw new WrongExpectedVersionException(streamId, expectedVersion, await EventAppend.StreamVersionAsync(store.Sql, transaction, streamId, cancellationToken).ConfigureAwait(false));
        }
    }

    public async ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        var command = new NpgsqlCommand(store.Sql.SaveCheckpoint, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            store.BindCheckpoint(command.Parameters, name, position);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (_aborted is not null)
        {
            // PostgreSQL would answer COMMIT on an aborted transaction with a rollback, silently.
            throw new InvalidOperationException($"The event store transaction cannot commit: {_aborted}.");
        }

        _ended = true;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (_appended)
        {
            // After the commit, in a transaction of its own: see PostgreSqlEventStore's remarks.
            store.Appended();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ended = true;
        try
        {
            // Rolls back unless committed.
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server rolled the transaction back when it lost it.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ThrowIfUnusable()
    {
        if (_ended)
        {
            throw new InvalidOperationException("The event store transaction has ended.");
        }
    }
}
