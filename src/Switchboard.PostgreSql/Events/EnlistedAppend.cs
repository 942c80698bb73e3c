using Npgsql;
using NpgsqlTypes;
using Switchboard.EventSourcing;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// An append that joins a unit of work of the message store (<see cref="PostgreSqlEventStore.EnlistAppendAsync"/>):
/// the event store's statement, which the unit of work runs on its own database transaction, at once when it is live,
/// else in its commit batch. Its events take the positions of that transaction from <paramref name="ordinal"/> on.
/// </summary>
internal sealed class EnlistedAppend(PostgreSqlEventStore store, string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, DateTimeOffset created, int ordinal)
{
    public string StreamId => streamId;

    /// <summary>What it means when its checked statement failed.</summary>
    public string Conflict => $"The append to stream '{streamId}' expecting {expected} found another writer had appended first.";

    /// <summary>The statement that fails when it writes nothing, for a batch that runs as one implicit transaction.</summary>
    public NpgsqlBatchCommand CheckedCommand() => EventAppend.Command(store.Sql, streamId, expected, events, created, ordinal, check: true);

    /// <summary>
    /// Runs now on <paramref name="transaction"/>. An exact repeat of an earlier append writes nothing; a stream at
    /// another version throws <see cref="WrongExpectedVersionException"/>, a reused id
    /// <see cref="DuplicateEventIdException"/>, a race the database reports (an id committed meanwhile, a deadlock)
    /// <see cref="ConcurrencyConflictException"/>.
    /// </summary>
    public async ValueTask RunAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(transaction.Connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            (AppendResult? Result, DuplicateEventIdException? Duplicate) outcome;
            try
            {
                outcome = await EventAppend.ExecuteAsync(batch, EventAppend.Command(store.Sql, streamId, expected, events, created, ordinal), streamId, events, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
            {
                throw new ConcurrencyConflictException($"The append to stream '{streamId}' lost a race with another writer ({e.SqlState}: {e.MessageText}).", e);
            }
            catch (PostgresException e) when (EventAppend.IsBeyondPositions(e))
            {
                throw EventAppend.BeyondPositions(e);
            }

            if (outcome.Duplicate is not null)
            {
                throw outcome.Duplicate;
            }

            if (outcome.Result is null)
            {
                throw new WrongExpectedVersionException(streamId, expected, await EventAppend.StreamVersionAsync(store.Sql, transaction, streamId, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <summary>
    /// After a checked statement found an id in use: the id this append reused, if it was this one (a committed event
    /// with one of its ids that does not make it an exact repeat). One query on a pooled connection.
    /// </summary>
    public async ValueTask<DuplicateEventIdException?> FindReusedIdAsync(CancellationToken cancellationToken)
    {
        var command = store.DataSource.CreateCommand(store.Sql.FindEvents);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.EventId).ToArray()));
            var stored = new Dictionary<string, (string StreamId, long Version, long Position)>(StringComparer.Ordinal);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    stored[reader.GetString(0)] = (reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
                }
            }

            return stored.Count == 0 ? null : EventAppend.Repeat(streamId, events, stored).Duplicate;
        }
    }
}
