using System.Collections.Concurrent;
using System.Diagnostics;
using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Soak;

/// <summary>
/// Exactly-once bookkeeping for a run of unknown length in bounded memory. The producer opens a
/// <see cref="CompletionChunk"/> for every 4,096 sequence numbers it sends; the first completion of an item sets
/// its bit, and a chunk is dropped as soon as all its items completed. With at most W items in flight, at most
/// W + 1 chunks are open, usually one or two, whatever the run's length. A completion of an item sent whose
/// chunk is gone, or whose bit is set, is a duplicate; one of an item never sent, of another run, or with a
/// wrong amount is unexpected; items sent minus distinct completions are lost.
/// </summary>
public sealed class SoakTracker : IItemTracker
{
    private readonly ConcurrentDictionary<int, CompletionChunk> _open = new();
    private readonly LatencyHistogram _latency = new();
    private readonly ProgressCounter _handled = new();
    private int _sent;
    private int _duplicates;
    private int _unexpected;
    private long _lastHandledAt;

    /// <summary>Creates the tracker of soak run <paramref name="run"/> (the number the item ids carry).</summary>
    public SoakTracker(int run) => Run = run;

    /// <summary>The run number that the item ids carry.</summary>
    public int Run { get; }

    /// <summary>Stopwatch timestamp taken just before the first send.</summary>
    public long StartedAt { get; private set; }

    /// <summary>Items sent so far (the next sequence number).</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Distinct items handled so far.</summary>
    public long Handled => _handled.Value;

    /// <summary>Completions that arrived for an item already handled.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Completions of items not sent in this run, or with a wrong amount.</summary>
    public int Unexpected => Volatile.Read(ref _unexpected);

    /// <summary>Chunks still held (a measure of the tracker's own memory).</summary>
    public int OpenChunks => _open.Count;

    /// <summary>Stopwatch timestamp of the latest first completion (0 before any).</summary>
    public long LastHandledAt => Volatile.Read(ref _lastHandledAt);

    /// <summary>Latency percentiles over every distinct completion so far.</summary>
    public LatencyPercentiles Latency => _latency.Percentiles();

    /// <summary>Marks the start of the timed part.</summary>
    public void Start() => StartedAt = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public Guid IdOf(int sequence) => ItemIds.Create(Run, sequence);

    /// <summary>Records that item <paramref name="sequence"/>, the next one, is about to be sent. Producer only.</summary>
    public void MarkSent(int sequence)
    {
        var offset = sequence & (CompletionChunk.Size - 1);
        var chunk = offset == 0 ? _open.GetOrAdd(sequence >> CompletionChunk.Bits, static _ => new CompletionChunk()) : _open[sequence >> CompletionChunk.Bits];
        chunk.MarkSent(offset, Stopwatch.GetTimestamp());
        Volatile.Write(ref _sent, sequence + 1);
    }

    /// <inheritdoc />
    public void Complete(Guid orderId, decimal amount, int slot)
    {
        var now = Stopwatch.GetTimestamp();
        if (!ItemIds.TryRead(orderId, out var run, out var sequence) || run != Run
            || (uint)sequence >= (uint)Sent || amount != sequence || slot != 0)
        {
            Interlocked.Increment(ref _unexpected);
            return;
        }

        var key = sequence >> CompletionChunk.Bits;
        if (!_open.TryGetValue(key, out var chunk) || !chunk.TryComplete(sequence & (CompletionChunk.Size - 1), out var sentAt, out var last))
        {
            // No chunk: every item in it had completed and it was dropped. A set bit: this item had completed.
            Interlocked.Increment(ref _duplicates);
            return;
        }

        if (last)
        {
            _open.TryRemove(key, out _);
        }

        _latency.Record(now - sentAt);
        RaiseLastHandledAt(now);
        _handled.Increment();
    }

    /// <summary>Waits until at least <paramref name="target"/> distinct items are handled.</summary>
    public ValueTask WaitForHandledAsync(long target, CancellationToken cancellationToken) =>
        _handled.WaitForAsync(target, cancellationToken);

    private void RaiseLastHandledAt(long now)
    {
        var seen = Volatile.Read(ref _lastHandledAt);
        while (now > seen)
        {
            var previous = Interlocked.CompareExchange(ref _lastHandledAt, now, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
