using System.Diagnostics;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// The bookkeeping of one run: when each item was sent, which completions arrived (an item is fully handled
/// when each of its <see cref="Slots"/> completed once: 1 for competing, 3 subscribers for fanout), their
/// latencies, and anything duplicated or unexpected. Everything lives in arrays preallocated and indexed by
/// sequence number, and latencies go into a <see cref="LatencyHistogram"/>, so recording costs a few interlocked
/// operations and no allocation.
/// </summary>
public sealed class RunTracker : IItemTracker
{
    private readonly long[] _sentAt;
    private readonly LatencyHistogram _latency = new();
    private readonly int[] _deliveries;
    private readonly int[] _itemSlotsDone;
    private readonly TaskCompletionSource _allHandled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ProgressCounter _completedItems = new();
    private long _finishedAt;
    private int _duplicates;
    private int _unexpected;

    /// <summary>Creates the tracker of a run of <paramref name="items"/> items.</summary>
    public RunTracker(int run, int items, int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Run = run;
        Items = items;
        Slots = slots;
        _sentAt = new long[items];
        _deliveries = new int[items * slots];
        _itemSlotsDone = new int[items];
    }

    /// <summary>The run number that the item ids carry.</summary>
    public int Run { get; }

    /// <summary>Items of the run.</summary>
    public int Items { get; }

    /// <summary>Completions that make one item fully handled.</summary>
    public int Slots { get; }

    /// <summary>Stopwatch timestamp taken just before the first send.</summary>
    public long StartedAt { get; private set; }

    /// <summary>Completes when every item is fully handled.</summary>
    public Task AllHandled => _allHandled.Task;

    /// <summary>Items fully handled so far.</summary>
    public long CompletedItems => _completedItems.Value;

    /// <summary>Marks the start of the timed part.</summary>
    public void Start() => StartedAt = Stopwatch.GetTimestamp();

    /// <summary>The order id of item <paramref name="sequence"/>.</summary>
    public Guid IdOf(int sequence) => ItemIds.Create(Run, sequence);

    /// <summary>Records that item <paramref name="sequence"/> is about to be sent.</summary>
    public void MarkSent(int sequence) => _sentAt[sequence] = Stopwatch.GetTimestamp();

    /// <summary>
    /// Records one completion of an item in <paramref name="slot"/> (the subscriber, for fanout). Checks that the
    /// item belongs to this run and that the amount is its sequence number; anything else counts as unexpected.
    /// </summary>
    public void Complete(Guid orderId, decimal amount, int slot)
    {
        var now = Stopwatch.GetTimestamp();
        if (!ItemIds.TryRead(orderId, out var run, out var sequence) || run != Run
            || (uint)sequence >= (uint)Items || amount != sequence || (uint)slot >= (uint)Slots)
        {
            Interlocked.Increment(ref _unexpected);
            return;
        }

        var index = sequence * Slots + slot;
        if (Interlocked.Increment(ref _deliveries[index]) != 1)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        _latency.Record(now - Volatile.Read(ref _sentAt[sequence]));
        if (Interlocked.Increment(ref _itemSlotsDone[sequence]) == Slots)
        {
            ItemDone(now);
        }
    }

    /// <summary>Waits until at least <paramref name="target"/> items are fully handled.</summary>
    public ValueTask WaitForCompletedAsync(long target, CancellationToken cancellationToken) =>
        _completedItems.WaitForAsync(target, cancellationToken);

    /// <summary>Takes the figures of the run. Call after it has ended (or timed out).</summary>
    public RunSnapshot Snapshot()
    {
        var distinct = 0;
        for (var i = 0; i < _deliveries.Length; i++)
        {
            if (Volatile.Read(ref _deliveries[i]) > 0)
            {
                distinct++;
            }
        }

        var finishedAt = Volatile.Read(ref _finishedAt);
        var end = finishedAt != 0 ? finishedAt : Stopwatch.GetTimestamp();
        return new RunSnapshot(
            Items,
            Slots,
            CompletedItems,
            Stopwatch.GetElapsedTime(StartedAt, end),
            distinct,
            Volatile.Read(ref _duplicates),
            Volatile.Read(ref _unexpected),
            _latency.Percentiles());
    }

    private void ItemDone(long now)
    {
        if (_completedItems.Increment() == Items)
        {
            Volatile.Write(ref _finishedAt, now);
            _allHandled.TrySetResult();
        }
    }
}
