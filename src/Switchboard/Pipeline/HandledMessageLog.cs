using System.Collections.Concurrent;

namespace Switchboard.Pipeline;

/// <summary>
/// The ids of the messages each endpoint of this process handled lately (the last <see cref="KeptPerEndpoint"/>), and
/// the reads waiting for one of them: what lets a read wait for an endpoint without an inbox, and learn at once, rather
/// than at its next look at the inbox, that a message it waits for was handled here.
/// </summary>
internal sealed class HandledMessageLog
{
    public const int KeptPerEndpoint = 10_000;

    private readonly ConcurrentDictionary<string, Recent> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Queue, string MessageId), TaskCompletionSource> _waiters = new();
    private int _waiting;

    /// <summary>Records that <paramref name="queue"/>'s endpoint handled the message (its work committed), and wakes its readers.</summary>
    public void Record(string queue, string messageId)
    {
        _endpoints.GetOrAdd(queue, static _ => new Recent()).Add(messageId);
        if (Volatile.Read(ref _waiting) > 0 && _waiters.TryRemove((queue, messageId), out var waiter))
        {
            Interlocked.Decrement(ref _waiting);
            waiter.TrySetResult();
        }
    }

    public bool Contains(string queue, string messageId) => _endpoints.TryGetValue(queue, out var recent) && recent.Contains(messageId);

    /// <summary>Completes when the message is recorded from now on; call <see cref="Contains"/> after this, not before.</summary>
    public Task Watch(string queue, string messageId)
    {
        var added = false;
        var waiter = _waiters.GetOrAdd((queue, messageId), _ =>
        {
            added = true;
            return new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        });
        if (added)
        {
            Interlocked.Increment(ref _waiting);
        }

        return waiter.Task;
    }

    /// <summary>Stops watching (the reader gave up): a waiter left behind would be kept until the message came.</summary>
    public void Unwatch(string queue, string messageId)
    {
        if (_waiters.TryRemove((queue, messageId), out var waiter))
        {
            Interlocked.Decrement(ref _waiting);
            waiter.TrySetCanceled();
        }
    }

    private sealed class Recent
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public void Add(string id)
        {
            lock (_ids)
            {
                if (!_ids.Add(id))
                {
                    return;
                }

                _order.Enqueue(id);
                if (_order.Count > KeptPerEndpoint)
                {
                    _ids.Remove(_order.Dequeue());
                }
            }
        }

        public bool Contains(string id)
        {
            lock (_ids)
            {
                return _ids.Contains(id);
            }
        }
    }
}
