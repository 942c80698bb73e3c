using System.Collections.Concurrent;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// The receivers of this process, by queue, for the writer to hand new messages to (<see cref="MessageRows"/>): a
/// message sent to a queue whose local receiver has nothing left to claim and has room is inserted already leased to
/// it, and given to it after the commit, which saves the receiver's claim (an update of the row and a read of it back).
/// </summary>
internal sealed class LocalReceivers
{
    private readonly ConcurrentDictionary<string, SqliteReceiver> _byQueue = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="receiver"/>; a second receiver of the same queue gets no hand-offs, only claims.</summary>
    public void Add(string queue, SqliteReceiver receiver) => _byQueue.TryAdd(queue, receiver);

    public void Remove(string queue, SqliteReceiver receiver) => _byQueue.TryRemove(new KeyValuePair<string, SqliteReceiver>(queue, receiver));

    public bool TryGet(string queue, out SqliteReceiver receiver) => _byQueue.TryGetValue(queue, out receiver!);
}
