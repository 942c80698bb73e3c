using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// One unit of work on one connection: taken from the store's pool with a READ COMMITTED transaction on first use,
/// given back at the commit or when disposed (rolled back unless committed).
/// </summary>
/// <remarks>
/// Races end the way the store contract wants without ever failing a statement: the inbox insert and the first save
/// of a saga use <c>ON CONFLICT DO NOTHING</c> (a concurrent uncommitted insert of the same key makes them wait for it
/// to commit or roll back, then report the duplicate), and a saga update matches on the expected version (a
/// concurrent update makes it wait, then match nothing). A deadlock or serialization failure the database reports on
/// one of the store's statements becomes a <see cref="ConcurrencyConflictException"/>, so the unit of work starts over.
/// </remarks>
internal sealed class PostgreSqlStoreTransaction(PostgreSqlMessageStore store) : IStoreTransaction
{
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private bool _committed;
    private bool _disposed;

    public async ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
    {
        var command = await CommandAsync(store.Sql.RecordHandled, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, endpoint));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, messageId));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, store.Now));
            return await ExecuteAsync(command, cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken = default)
    {
        var command = await CommandAsync(store.Sql.LoadSaga, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, saga));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, key));
            try
            {
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                        ? new SagaRecord(saga, key, reader.GetInt64(0), reader.GetString(1), reader.GetBoolean(2))
                        : null;
                }
            }
            catch (PostgresException e) when (IsConflict(e))
            {
                throw Conflict(e);
            }
        }
    }

    public async ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var insert = expectedVersion == 0;
        var command = await CommandAsync(insert ? store.Sql.InsertSaga : store.Sql.UpdateSaga, cancellationToken).ConfigureAwait(false);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, record.Saga));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, record.Key));
            if (!insert)
            {
                command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Bigint, expectedVersion));
            }

            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, record.State));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Boolean, record.Completed));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, store.Now));
            if (await ExecuteAsync(command, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ConcurrencyConflictException(insert
                    ? $"Saga '{record.Saga}' {record.Key} was created by another unit of work first."
                    : $"Saga '{record.Saga}' {record.Key} is no longer at version {expectedVersion}: another unit of work changed it first.");
            }
        }
    }

    public async ValueTask<bool> EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
        {
            return true;
        }

        var transaction = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var now = store.Now;

        // One round trip for all of them.
        var batch = new NpgsqlBatch(_connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var message in messages)
            {
                var command = new NpgsqlBatchCommand(store.Sql.Enlist);
                OutboxColumns.Bind(command.Parameters, message);
                command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now));
                batch.BatchCommands.Add(command);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (IsConflict(e))
            {
                throw Conflict(e);
            }
        }

        return true;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("This unit of work has committed already.");
        }

        if (_transaction is not null)
        {
            try
            {
                await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (IsConflict(e))
            {
                throw Conflict(e);
            }
        }

        _committed = true;

        // Nothing more runs on it: back to the pool at once, not after the dispatch that follows the commit.
        await ReleaseAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await ReleaseAsync().ConfigureAwait(false);
    }

    private static bool IsConflict(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    private static ConcurrencyConflictException Conflict(PostgresException e) =>
        new($"PostgreSQL ended the unit of work in a race with another one ({e.SqlState}: {e.MessageText}).");

    private async ValueTask<NpgsqlTransaction> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
        {
            throw new InvalidOperationException("This unit of work has committed already.");
        }

        if (_transaction is not null)
        {
            return _transaction;
        }

        var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connection = connection;
        return _transaction;
    }

    private async ValueTask<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        var transaction = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return new NpgsqlCommand(sql, _connection, transaction);
    }

    private static async ValueTask<int> ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (IsConflict(e))
        {
            throw Conflict(e);
        }
    }

    // Rolls back what did not commit (disposing the transaction does) and returns the connection to the pool. A
    // broken connection cannot roll back; the server ends its transaction when the connection goes.
    private async ValueTask ReleaseAsync()
    {
        var transaction = _transaction;
        var connection = _connection;
        _transaction = null;
        _connection = null;
        if (transaction is not null)
        {
            try
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ObjectDisposedException)
            {
                // The connection is gone or unusable; disposing it below discards it.
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
