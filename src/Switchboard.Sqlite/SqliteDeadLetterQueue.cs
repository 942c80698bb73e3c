using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Sqlite.Writing;
using Switchboard.Transport;

namespace Switchboard.Sqlite;

/// <summary>
/// The dead-letter API over the <c>sb_dead_letters</c> table. A dead letter's id is its message id, as on every
/// transport; when one message was dead-lettered twice and both are there, that id names the older one.
/// </summary>
internal sealed class SqliteDeadLetterQueue(SqliteConnections connections, SqliteWriter writer) : IDeadLetterQueue
{
    private const string Select = $"SELECT seq, queue, {SqliteSchema.EnvelopeColumnList} FROM sb_dead_letters";

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
            using var command = batch.CreateCommand();
            command.CommandText = $"DELETE FROM sb_dead_letters WHERE queue = $queue {filter}";
            command.Parameters.AddWithValue("$queue", queue);
            if (id is not null)
            {
                command.Parameters.AddWithValue("$id", id);
            }

            return command.ExecuteNonQuery();
        }), cancellationToken);

    // Read, strip the dead-letter headers, insert into the queue and delete, all in one transaction.
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
            foreach (var (seq, letter) in letters)
            {
                if (!batch.Messages.Send(queue, batch.Now, DeadLetterEnvelope.ForRedrive(letter.Envelope)))
                {
                    throw new UnroutableMessageException($"Queue '{queue}' does not exist; cannot re-drive into it.");
                }

                deleteSeq.Value = seq;
                delete.ExecuteNonQuery();
            }

            return letters.Count;
        }), cancellationToken);

    private static List<(long Seq, DeadLetter Letter)> ReadAll(SqliteCommand command)
    {
        var letters = new List<(long, DeadLetter)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var envelope = EnvelopeColumns.Read(reader, 2);
            letters.Add((reader.GetInt64(0), new DeadLetter(envelope.MessageId, reader.GetString(1), envelope)));
        }

        return letters;
    }
}
