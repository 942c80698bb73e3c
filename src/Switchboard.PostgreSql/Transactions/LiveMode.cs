using Npgsql;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// A unit of work on a pooled connection with a READ COMMITTED transaction (for the handler's own SQL): every
/// statement runs on it at once. The connection goes back to the pool at the commit, or when the unit of work is
/// disposed (rolled back unless committed).
/// </summary>
/// <remarks>
/// A race never fails a statement here: the writes are the plain statements, and what they wrote decides (an inbox
/// duplicate is false, a saga that changed meanwhile a <see cref="ConcurrencyConflictException"/>), so the handler's
/// transaction stays usable. A deadlock or serialization failure the database reports on one of the store's
/// statements becomes a <see cref="ConcurrencyConflictException"/>.
/// </remarks>
internal sealed class LiveMode : StoreTransactionMode
{
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;

    private LiveMode(PostgreSqlMessageStore store, NpgsqlConnection connection, NpgsqlTransaction transaction)
        : base(store)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>The unit of work's database transaction (its connection is the unit of work's).</summary>
    public NpgsqlTransaction Transaction => _transaction ?? throw new InvalidOperationException("The unit of work's transaction has ended.");

    /// <summary>Takes a connection from the pool and begins the transaction.</summary>
    public static async ValueTask<LiveMode> OpenAsync(PostgreSqlMessageStore store, CancellationToken cancellationToken)
    {
        var transaction = await PostgreSqlDataSources.BeginReadCommittedAsync(store.DataSource, cancellationToken).ConfigureAwait(false);
        return new LiveMode(store, transaction.Connection!, transaction);
    }

    public override async ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken)
    {
        var command = Command(Store.Sql.RecordHandled);
        await using (command.ConfigureAwait(false))
        {
            BindRecordHandled(command.Parameters, endpoint, messageId, Store.Now);
            return await ExecuteAsync(command, cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    public override ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken) =>
        ReadSagaAsync(Command(Store.Sql.LoadSaga), saga, key, cancellationToken);

    public override async ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        var command = Command(expectedVersion == 0 ? Store.Sql.InsertSaga : Store.Sql.UpdateSaga);
        await using (command.ConfigureAwait(false))
        {
            BindSaga(command.Parameters, record, expectedVersion, Store.Now);
            if (await ExecuteAsync(command, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ConcurrencyConflictException(SagaConflict(record, expectedVersion));
            }
        }
    }

    public override async ValueTask EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        // One round trip for all of them.
        var now = Store.Now;
        var batch = Batch();
        await using (batch.ConfigureAwait(false))
        {
            foreach (var message in messages)
            {
                batch.BatchCommands.Add(EnlistCommand(Store.Sql.Enlist, message, now));
            }

            await ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    public override ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken) =>
        StoreWrite.RunAsync(Transaction, write, cancellationToken);

    public override ValueTask EnlistAppendAsync(EnlistedAppend append, CancellationToken cancellationToken) =>
        append.RunAsync(Transaction, cancellationToken);

    public override async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
        {
            throw Conflict(e);
        }

        // Nothing more runs on it: back to the pool at once, not after the dispatch that follows the commit.
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a deferred unit of work's writes in one batch, then checks what each wrote. A conflict among them
    /// throws, and ends the unit of work.
    /// </summary>
    public async ValueTask WriteDeferredAsync(IReadOnlyList<DeferredCommand> commands, CancellationToken cancellationToken)
    {
        var batch = Batch();
        await using (batch.ConfigureAwait(false))
        {
            foreach (var deferred in commands)
            {
                batch.BatchCommands.Add(deferred.Command);
            }

            await ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        foreach (var deferred in commands)
        {
            if (deferred.Failed(deferred.Command.RecordsAffected))
            {
                throw new ConcurrencyConflictException(deferred.Conflict!);
            }
        }
    }

    // Rolls back what did not commit (disposing the transaction does) and returns the connection to the pool. A
    // broken connection cannot roll back; the server ends its transaction when the connection goes.
    public override async ValueTask DisposeAsync()
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

    private NpgsqlCommand Command(string sql) => new(sql, _connection, Transaction);

    private NpgsqlBatch Batch() => new(_connection, Transaction);

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

    private static async ValueTask ExecuteAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
        {
            throw Conflict(e);
        }
    }
}
