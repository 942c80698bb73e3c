using System.Data;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// How a <see cref="PostgreSqlStoreTransaction"/> does its work at the moment: <see cref="DeferredMode"/> until a
/// handler asks for the database transaction, <see cref="LiveMode"/> from then on. The unit of work checks that it is
/// still usable before each call; a mode only does the work. What both modes share is here: the statements'
/// parameters, the saga read, and the exceptions of lost races.
/// </summary>
internal abstract class StoreTransactionMode(PostgreSqlMessageStore store) : IAsyncDisposable
{
    protected PostgreSqlMessageStore Store => store;

    /// <summary>Records the message; false when it is a duplicate (see <see cref="IStoreTransaction.TryRecordHandledAsync"/>).</summary>
    public abstract ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken);

    public abstract ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken);

    public abstract ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Adds outgoing messages (at least one) to the outbox.</summary>
    public abstract ValueTask EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);

    /// <summary>A handler's own statement (<see cref="ISqlStoreTransaction.EnlistWriteAsync"/>).</summary>
    public abstract ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken);

    /// <summary>Appends events to a stream of an event store on the same database (see <see cref="EnlistedAppend"/>).</summary>
    public abstract ValueTask EnlistAppendAsync(EnlistedAppend append, CancellationToken cancellationToken);

    public abstract ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Gives back what the mode holds; what did not commit is rolled back.</summary>
    public abstract ValueTask DisposeAsync();

    protected static ConcurrencyConflictException Conflict(PostgresException e) =>
        new($"PostgreSQL ended the unit of work in a race with another one ({e.SqlState}: {e.MessageText}).", e);

    protected static string HandledConflict(string endpoint, string messageId) =>
        $"Message {messageId} was handled at {endpoint} by another unit of work meanwhile.";

    protected static string SagaConflict(SagaRecord record, long expectedVersion) =>
        expectedVersion == 0
            ? $"Saga '{record.Saga}' {record.Key} was created by another unit of work first."
            : $"Saga '{record.Saga}' {record.Key} is no longer at version {expectedVersion}: another unit of work changed it first.";

    protected static void BindRecordHandled(NpgsqlParameterCollection parameters, string endpoint, string messageId, DateTimeOffset now)
    {
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, endpoint));
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, messageId));
        parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now));
    }

    protected static void BindSaga(NpgsqlParameterCollection parameters, SagaRecord record, long expectedVersion, DateTimeOffset now)
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

    /// <summary><paramref name="write"/> as a batch command on <paramref name="sql"/> (its own text, or a checked form of it).</summary>
    protected static NpgsqlBatchCommand WriteCommand(string sql, StoreWrite write) => PositionalCommand.Bind(new NpgsqlBatchCommand(sql), write.Parameters);

    protected static NpgsqlBatchCommand EnlistCommand(string sql, OutgoingMessage message, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(sql);
        OutboxColumns.Bind(command.Parameters, message);
        command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now));
        return command;
    }

    /// <summary>Runs <paramref name="command"/>, the store's saga load, for one instance, and disposes it.</summary>
    protected static async ValueTask<SagaRecord?> ReadSagaAsync(NpgsqlCommand command, string saga, string key, CancellationToken cancellationToken)
    {
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
}
