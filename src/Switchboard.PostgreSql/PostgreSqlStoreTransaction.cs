using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// A unit of work on the PostgreSQL store, in one of two modes. Deferred (the default): reads run on a pooled
/// connection outside any transaction, writes are kept until <see cref="CommitAsync"/>, which sends them all in one
/// batch, a single round trip in which they commit or roll back together; no connection is held while handlers run.
/// Live: the first call to <see cref="GetDbTransactionAsync"/> takes a connection from the pool with a READ COMMITTED
/// transaction (for the handler's own SQL), writes what was deferred so far on it, and from then on every statement
/// runs on it at once; the connection goes back to the pool at the commit, or when the unit of work is disposed
/// (rolled back unless committed).
/// </summary>
/// <remarks>
/// <para>
/// Round trips of a deferred unit of work (a saga's message through the transaction step): the saga load, one; the
/// inbox record, none, because the transaction step has just asked <see cref="PostgreSqlMessageStore.WasHandledAsync"/>
/// (see <see cref="UnhandledHints"/>; without that hint, one read of the committed inbox); the saga save and the
/// outbox messages, none (kept in memory); the commit, one.
/// </para>
/// <para>
/// The commit batch has no BEGIN and no COMMIT: PostgreSQL runs the statements of one batch (up to its single Sync)
/// in one implicit transaction, which commits before the batch's answer comes back and rolls back entirely when a
/// statement fails. Races are settled by the same statements as in live mode (the inbox insert and a saga's first
/// save use <c>ON CONFLICT DO NOTHING</c>, which waits for a concurrent uncommitted insert of the same key; an update
/// matches on the expected version), each wrapped so that writing nothing fails it with division_by_zero
/// (<see cref="StoreSql.RecordHandledChecked"/>): the batch rolls back and the commit throws
/// <see cref="ConcurrencyConflictException"/>. So a conflict found at the commit leaves nothing behind, and the
/// transaction step runs the message again. The implicit transaction has the server's default isolation
/// (<c>default_transaction_isolation</c>, READ COMMITTED unless configured otherwise); the batch only writes, and a
/// stricter level can only add serialization failures, which count as conflicts too.
/// </para>
/// <para>
/// Live mode never fails a statement on a race: the writes are the plain statements, and what they wrote decides
/// (an inbox duplicate is false, a saga that changed meanwhile a <see cref="ConcurrencyConflictException"/>), so the
/// handler's transaction stays usable. A deadlock or serialization failure the database reports on one of the
/// store's statements becomes a <see cref="ConcurrencyConflictException"/> in both modes.
/// </para>
/// </remarks>
internal sealed class PostgreSqlStoreTransaction(PostgreSqlMessageStore store) : IStoreTransaction
{
    // Deferred writes, in the order they were made; written at the commit, or on the live transaction when one opens.
    private readonly List<(string Endpoint, string MessageId)> _handled = [];
    private readonly List<(SagaRecord Record, long ExpectedVersion)> _sagas = [];
    private readonly List<OutgoingMessage> _outgoing = [];
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private bool _ended;
    private Exception? _failure;
    private bool _disposed;

    public async ValueTask<DbTransaction> GetDbTransactionAsync(CancellationToken cancellationToken = default) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ThrowIfUnusable();
        if (_transaction is null)
        {
            // Deferred: the insert waits for the commit, where a record committed meanwhile by another unit of work
            // makes it a conflict. Only a record this unit of work made already, or one committed before (as far as
            // a hint or a read shows), is a duplicate now.
            if (_handled.Contains((endpoint, messageId))
                || (!store.TakeUnhandledHint(endpoint, messageId) && await store.QueryHandledAsync(endpoint, messageId, cancellationToken).ConfigureAwait(false)))
            {
                return false;
            }

            _handled.Add((endpoint, messageId));
            return true;
        }

        var command = LiveCommand(store.Sql.RecordHandled);
        await using (command.ConfigureAwait(false))
        {
            BindRecordHandled(command.Parameters, endpoint, messageId, store.Now);
            return await ExecuteAsync(command, cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public async ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        NpgsqlCommand command;
        if (_transaction is null)
        {
            // This unit of work's own deferred save, else the committed instance.
            var own = _sagas.FindLast(s => s.Record.Saga == saga && s.Record.Key == key);
            if (own.Record is not null)
            {
                return own.Record;
            }

            command = store.DataSource.CreateCommand(store.Sql.LoadSaga);
        }
        else
        {
            command = LiveCommand(store.Sql.LoadSaga);
        }

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
            catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
            {
                throw Conflict(e);
            }
        }
    }

    public async ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (_transaction is null)
        {
            // Deferred: checked at the commit. Stored as it will be, so that a load in this unit of work sees it.
            _sagas.Add((record with { Version = expectedVersion + 1 }, expectedVersion));
            return;
        }

        var insert = expectedVersion == 0;
        var command = LiveCommand(insert ? store.Sql.InsertSaga : store.Sql.UpdateSaga);
        await using (command.ConfigureAwait(false))
        {
            BindSaga(command.Parameters, record, expectedVersion, store.Now);
            if (await ExecuteAsync(command, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ConcurrencyConflictException(SagaConflict(record, expectedVersion));
            }
        }
    }

    public async ValueTask<bool> EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (messages.Count == 0)
        {
            return true;
        }

        if (_transaction is null)
        {
            _outgoing.AddRange(messages);
            return true;
        }

        // One round trip for all of them.
        var batch = new NpgsqlBatch(_connection, _transaction);
        await using (batch.ConfigureAwait(false))
        {
            var now = store.Now;
            foreach (var message in messages)
            {
                batch.BatchCommands.Add(EnlistCommand(store.Sql.Enlist, message, now));
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
            {
                throw Conflict(e);
            }
        }

        return true;
    }

    // Runs at once on the live transaction. A failed statement (also a row count the write did not expect) ends the
    // unit of work even if the handler catches it: the commit throws, and disposing rolls everything back.
    public async ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var transaction = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StoreWrite.RunAsync(transaction, write, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _failure = e;
            _ended = true;
            throw;
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
        if (_transaction is not null)
        {
            try
            {
                await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
            {
                throw Conflict(e);
            }

            // Nothing more runs on it: back to the pool at once, not after the dispatch that follows the commit.
            await ReleaseAsync().ConfigureAwait(false);
            return;
        }

        if (_handled.Count == 0 && _sagas.Count == 0 && _outgoing.Count == 0)
        {
            return;
        }

        await CommitDeferredAsync(cancellationToken).ConfigureAwait(false);
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

    private static ConcurrencyConflictException Conflict(PostgresException e) =>
        new($"PostgreSQL ended the unit of work in a race with another one ({e.SqlState}: {e.MessageText}).", e);

    private static string HandledConflict(string endpoint, string messageId) =>
        $"Message {messageId} was handled at {endpoint} by another unit of work meanwhile.";

    private static string SagaConflict(SagaRecord record, long expectedVersion) =>
        expectedVersion == 0
            ? $"Saga '{record.Saga}' {record.Key} was created by another unit of work first."
            : $"Saga '{record.Saga}' {record.Key} is no longer at version {expectedVersion}: another unit of work changed it first.";

    private static void BindRecordHandled(NpgsqlParameterCollection parameters, string endpoint, string messageId, DateTimeOffset now)
    {
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, endpoint));
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, messageId));
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now));
    }

    private static void BindSaga(NpgsqlParameterCollection parameters, SagaRecord record, long expectedVersion, DateTimeOffset now)
    {
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, record.Saga));
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, record.Key));
        if (expectedVersion != 0)
        {
            parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Bigint, expectedVersion));
        }

        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, record.State));
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Boolean, record.Completed));
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now));
    }

    private static NpgsqlBatchCommand EnlistCommand(string sql, OutgoingMessage message, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(sql);
        OutboxColumns.Bind(command.Parameters, message);
        command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now));
        return command;
    }

    // The deferred writes as batch commands, each with what it means when it writes nothing (null: nothing to check).
    private List<(NpgsqlBatchCommand Command, string? Conflict)> DeferredCommands(bool check, DateTimeOffset now)
    {
        var sql = store.Sql;
        var commands = new List<(NpgsqlBatchCommand, string?)>(_handled.Count + _sagas.Count + _outgoing.Count);

        // The inbox first: a concurrent unit of work handling the same message ends this one before it touches a saga.
        foreach (var (endpoint, messageId) in _handled)
        {
            var command = new NpgsqlBatchCommand(check ? sql.RecordHandledChecked : sql.RecordHandled);
            BindRecordHandled(command.Parameters, endpoint, messageId, now);
            commands.Add((command, HandledConflict(endpoint, messageId)));
        }

        foreach (var (record, expectedVersion) in _sagas)
        {
            var insert = expectedVersion == 0;
            var command = new NpgsqlBatchCommand(check
                ? insert ? sql.InsertSagaChecked : sql.UpdateSagaChecked
                : insert ? sql.InsertSaga : sql.UpdateSaga);
            BindSaga(command.Parameters, record, expectedVersion, now);
            commands.Add((command, SagaConflict(record, expectedVersion)));
        }

        foreach (var message in _outgoing)
        {
            commands.Add((EnlistCommand(sql.Enlist, message, now), null));
        }

        return commands;
    }

    // One round trip: the deferred writes in one batch, one implicit transaction (see the remarks on the class).
    private async ValueTask CommitDeferredAsync(CancellationToken cancellationToken)
    {
        var commands = DeferredCommands(check: true, store.Now);
        var batch = store.DataSource.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            foreach (var (command, _) in commands)
            {
                batch.BatchCommands.Add(command);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DivisionByZero)
            {
                // Only the checks divide. Which one failed, Npgsql does not tell (PostgresException.BatchCommand stays
                // null): the message names every write that could have.
                throw new ConcurrencyConflictException(
                    "The commit lost a race, so nothing of it was written: "
                        + string.Join(" Or: ", commands.Select(c => c.Conflict).OfType<string>()),
                    e);
            }
            catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
            {
                throw Conflict(e);
            }
        }
    }

    // Live from here on: a pooled connection with a READ COMMITTED transaction, and what was deferred written on it in
    // one batch (Npgsql sends the BEGIN with it). A conflict among those writes ends the unit of work.
    private async ValueTask<NpgsqlTransaction> OpenAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
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
        if (_handled.Count > 0 || _sagas.Count > 0 || _outgoing.Count > 0)
        {
            try
            {
                await FlushDeferredAsync(_transaction, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Its writes are incomplete: nothing more may run on it. Disposing rolls it back.
                _ended = true;
                throw;
            }
        }

        return _transaction;
    }

    private async ValueTask FlushDeferredAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var commands = DeferredCommands(check: false, store.Now);
        var batch = new NpgsqlBatch(_connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var (command, _) in commands)
            {
                batch.BatchCommands.Add(command);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
            {
                throw Conflict(e);
            }
        }

        foreach (var (command, conflict) in commands)
        {
            if (conflict is not null && command.RecordsAffected == 0)
            {
                throw new ConcurrencyConflictException(conflict);
            }
        }

        _handled.Clear();
        _sagas.Clear();
        _outgoing.Clear();
    }

    private NpgsqlCommand LiveCommand(string sql) => new(sql, _connection, _transaction);

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended)
        {
            throw new InvalidOperationException("This unit of work has ended: it committed, or its commit or writes failed.");
        }
    }

    private static async ValueTask<int> ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
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
