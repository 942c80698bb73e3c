using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchboard.Benchmarks.Scenarios.Ordered;

/// <summary>
/// Per key of one run: the highest sequence number handled so far, and how many of its messages are being handled now.
/// A message whose sequence number is below its key's highest was handled out of order; one that starts while another
/// of its key is being handled overlaps it. A few interlocked operations per message, no allocation.
/// </summary>
public sealed class KeyOrderRun
{
    // Violations described one by one on stderr before the rest are only counted.
    private const int ListedExamples = 10;

    private readonly int[] _highest;
    private readonly int[] _busy;
    private readonly ConcurrentQueue<string> _examples = new();
    private long _handled;
    private long _outOfOrder;
    private long _overlapping;
    private long _drawnMicroseconds;
    private long _waitedTicks;

    /// <summary>Creates the bookkeeping of <paramref name="keys"/> keys.</summary>
    public KeyOrderRun(int keys)
    {
        _highest = new int[keys];
        Array.Fill(_highest, -1);
        _busy = new int[keys];
    }

    /// <summary>Messages whose handling ended.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Messages handled after a later message of their key.</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    /// <summary>Messages whose handling started while another of their key was being handled.</summary>
    public long Overlapping => Interlocked.Read(ref _overlapping);

    /// <summary>Per key in send order, one at a time.</summary>
    public bool InOrder => OutOfOrder == 0 && Overlapping == 0;

    /// <summary>The first violations, described.</summary>
    public IEnumerable<string> Examples => _examples;

    /// <summary>Records that the handling of <paramref name="sequence"/>, of key <paramref name="key"/>, starts.</summary>
    public void Begin(int key, int sequence)
    {
        if (Interlocked.Increment(ref _busy[key]) > 1)
        {
            Interlocked.Increment(ref _overlapping);
            Note($"key {key}: sequence {sequence} started while another message of the key was being handled");
        }

        var highest = Volatile.Read(ref _highest[key]);
        while (sequence > highest)
        {
            var seen = Interlocked.CompareExchange(ref _highest[key], sequence, highest);
            if (seen == highest)
            {
                return;
            }

            highest = seen;
        }

        // Equal is a redelivery of the same message, which the run tracker counts as a duplicate.
        if (sequence < highest)
        {
            Interlocked.Increment(ref _outOfOrder);
            Note($"key {key}: sequence {sequence} handled after sequence {highest}");
        }
    }

    /// <summary>Records that the handling of a message of <paramref name="key"/> ended, and how long its wait was drawn and took.</summary>
    public void End(int key, int drawnMicroseconds, long waitedTicks)
    {
        Interlocked.Decrement(ref _busy[key]);
        Interlocked.Add(ref _drawnMicroseconds, drawnMicroseconds);
        Interlocked.Add(ref _waitedTicks, waitedTicks);
        Interlocked.Increment(ref _handled);
    }

    /// <summary>One line for stderr.</summary>
    public string Describe()
    {
        var per = (double)Math.Max(1, Handled);
        var drawn = Interlocked.Read(ref _drawnMicroseconds) / per / 1000;
        var waited = Interlocked.Read(ref _waitedTicks) * 1000.0 / Stopwatch.Frequency / per;
        return $"{Handled} handled, {OutOfOrder} out of order, {Overlapping} overlapping their key; "
            + $"handler wait drawn {drawn:F3} ms, taken {waited:F3} ms on average";
    }

    private void Note(string example)
    {
        if (_examples.Count < ListedExamples)
        {
            _examples.Enqueue(example);
        }
    }
}
