using Switchboard.EventSourcing;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Sqlite.Events;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// What a unit of work keeps for the writer: inbox records, the handlers' statements, saga saves, event appends,
/// outgoing messages and the acknowledgement of the message handled, written in that order by <see cref="WriteTo"/>. A recorded message, a statement changing an
/// unexpected number of rows, a changed saga or a stream not at its expected version throws
/// <see cref="ConcurrencyConflictException"/>; the caller rolls back what was written.
/// </summary>
internal sealed class DeferredWrites
{
    public List<(string Endpoint, string MessageId)> Handled { get; } = [];

    public List<StoreWrite> Writes { get; } = [];

    public List<(SagaRecord Record, long Expected)> Sagas { get; } = [];

    public List<(string StreamId, ExpectedVersion Expected, IReadOnlyList<EventData> Events)> Appends { get; } = [];

    public List<OutgoingMessage> Outgoing { get; } = [];

    /// <summary>Deliveries of the transport in this file to remove (queue, seq, lease): the handled message's acknowledgement.</summary>
    public List<(string Queue, long Seq, long Lease)> Completions { get; } = [];

    public bool IsEmpty => Handled.Count == 0 && Writes.Count == 0 && Sagas.Count == 0 && Appends.Count == 0 && Outgoing.Count == 0 && Completions.Count == 0;

    /// <summary>Writes everything on <paramref name="batch"/>; <paramref name="direct"/>: outgoing messages join the transport's tables.</summary>
    public void WriteTo(WriteBatch batch, bool direct)
    {
        foreach (var (endpoint, messageId) in Handled)
        {
            if (!StoreCommands.RecordHandled(batch, endpoint, messageId))
            {
                throw new ConcurrencyConflictException($"Message {messageId} was handled at {endpoint} by another unit of work meanwhile.");
            }
        }

        foreach (var write in Writes)
        {
            StoreCommands.RunWrite(batch, write);
        }

        foreach (var (record, expected) in Sagas)
        {
            StoreCommands.SaveSaga(batch, record, expected);
        }

        foreach (var (streamId, expected, events) in Appends)
        {
            Append(batch, streamId, expected, events);
        }

        foreach (var message in Outgoing)
        {
            StoreCommands.Enlist(batch, message, direct);
        }

        foreach (var (queue, seq, lease) in Completions)
        {
            Complete(batch, queue, seq, lease);
        }
    }

    /// <summary>Forgets what went to the writer once it runs everything at once (the inbox records and saga saves stay: later reads of the unit consult them).</summary>
    public void ClearWritten()
    {
        Writes.Clear();
        Appends.Clear();
        Outgoing.Clear();
        Completions.Clear();
    }

    /// <summary>
    /// Removes a delivered message if its lease is still the one given (as the transport's own acknowledgement does); on
    /// an ordered queue that frees the message's key, so the queue's receivers are woken.
    /// </summary>
    public static void Complete(WriteBatch batch, string queue, long seq, long lease)
    {
        var removed = batch.Raw("DELETE FROM sb_messages WHERE seq = ?1 AND lease = ?2").Bind(1, seq).Bind(2, lease).Execute();
        if (removed > 0)
        {
            batch.Completed(queue);
        }
    }

    /// <summary>Appends in the unit's transaction; a stream not at <paramref name="expected"/> is a lost race of the unit.</summary>
    public static void Append(WriteBatch batch, string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events)
    {
        try
        {
            EventWrites.Append(batch, streamId, expected, events);
        }
        catch (WrongExpectedVersionException e)
        {
            throw new ConcurrencyConflictException(e.Message, e);
        }
    }
}
