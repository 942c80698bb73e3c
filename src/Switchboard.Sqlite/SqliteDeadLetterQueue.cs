using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Sqlite.Writing;
using Switchboard.Transport;

namespace Switchboard.Sqlite;

/// <summary>
/// The dead-letter API over the <c>sb_dead_letters</c> table. A dead letter's id is its message id, as on every
/// transport; when one message was dead-lettered twice and both are there, that id names the older one. A dead letter
/// of an ordered queue may park its key (<see cref="ParkedRows"/>): re-driving it releases its row in place, and
/// deleting or purging it deletes the row too.
/// </summary>
internal sealed class SqliteDeadLetterQueue(SqliteConnections connections, SqliteWriter writer) : IDeadLetterQueue
{
    private const string Select = $"SELECT seq, queue, {SqliteSchema.EnvelopeColumnList}, parked_seq FROM sb_dead_letters";

    // The oldest dead letter of the queue with message id $id (index sb_dead_letters_by_message_id).
    private const string OneById = "seq = (SELECT MIN(seq) FROM sb_dead_letters WHERE queue = $queue AND message_id = $id)";

    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"{Select} WHERE queue = $queue ORDER BY seq LIMIT $take OFFSET $skip";
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        return ValueTask.FromResult<IReadOnlyList<DeadLetter>>([.. ReadAll(command).Select(l => l.Letter)]);
    }

    public ValueTask<DeadLetter?> GetAsync(string queue, string id, CancellationToken cancellationToken = default)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"{Select} WHERE queue = $queue AND {OneById}";
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$id", id);
        return ValueTask.FromResult(ReadAll(command).Select(l => l.Letter).FirstOrDefault());
    }

    public ValueTask<long> CountAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sb_dead_letters WHERE queue = $queue";
        command.Parameters.AddWithValue("$queue", queue);
        return ValueTask.FromResult((long)command.ExecuteScalar()!);
    }

    public async ValueTask<bool> RedriveAsync(string queue, string id, CancellationToken cancellationToken = default) =>
        await Redrive(queue, "AND " + OneById, id, cancellationToken).ConfigureAwait(false) == 1;

    public async ValueTask<int> RedriveAllAsync(string queue, CancellationToken cancellationToken = default) =>
        await Redrive(queue, "", null, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> DeleteAsync(string queue, string id, CancellationToken cancellationToken = default) =>
        await Delete(queue, "AND " + OneById, id, cancellationToken).ConfigureAwait(false) == 1;

    public async ValueTask<int> PurgeAsync(string queue, CancellationToken cancellationToken = default) =>
        await Delete(queue, "", null, cancellationToken).ConfigureAwait(false);

    private Task<int> Delete(string queue, string filter, string? id, CancellationToken cancellationToken) =>
        writer.ExecuteAsync(new DelegateOperation<int>(batch =>
        {
            ParkedRows.Delete(batch, queue, filter, id);
            using var command = batch.CreateCommand();
            command.CommandText = $"DELETE FROM sb_dead_letters WHERE queue = $queue {filter}";
            command.Parameters.AddWithValue("$queue", queue);
            if (id is not null)
            {
                command.Parameters.AddWithValue("$id", id);
            }

            return command.ExecuteNonQuery();
        }), cancellationToken);

    // Read, strip the dead-letter headers, put back into the queue (a parked row where it was, others as new messages)
    // and delete, all in one transaction.
    private Task<int> Redrive(string queue, string filter, string? id, CancellationToken cancellationToken) =>
        writer.ExecuteAsync(new DelegateOperation<int>(batch =>
        {
            using var select = batch.CreateCommand();
            select.CommandText = $"{Select} WHERE queue = $queue {filter} ORDER BY seq";
            select.Parameters.AddWithValue("$queue", queue);
            if (id is not null)
            {
                select.Parameters.AddWithValue("$id", id);
            }

            var letters = ReadAll(select);
            using var delete = batch.CreateCommand();
            delete.CommandText = "DELETE FROM sb_dead_letters WHERE seq = $seq";
            var deleteSeq = delete.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
            foreach (var (seq, letter, parkedSeq) in letters)
            {
                var envelope = DeadLetterEnvelope.ForRedrive(letter.Envelope);
                var inPlace = parkedSeq is { } parked && ParkedRows.Redrive(batch, queue, parked, envelope);
                if (!inPlace && !batch.Messages.Send(queue, batch.Now, envelope))
                {
                    throw new UnroutableMessageException($"Queue '{queue}' does not exist; cannot re-drive into it.");
                }

                deleteSeq.Value = seq;
                delete.ExecuteNonQuery();
            }

            return letters.Count;
        }), cancellationToken);

    private static List<(long Seq, DeadLetter Letter, long? ParkedSeq)> ReadAll(SqliteCommand command)
    {
        var letters = new List<(long, DeadLetter, long?)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var envelope = EnvelopeColumns.Read(reader, 2);
            var parkedSeq = reader.IsDBNull(11) ? (long?)null : reader.GetInt64(11);
            letters.Add((reader.GetInt64(0), new DeadLetter(envelope.MessageId, reader.GetString(1), envelope), parkedSeq));
        }

        return letters;
    }
}
