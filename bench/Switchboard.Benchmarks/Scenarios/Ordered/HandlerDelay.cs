using System.Diagnostics;

namespace Switchboard.Benchmarks.Scenarios.Ordered;

/// <summary>
/// The handler's work in the <c>ordered</c> scenario: a wait of 0–1,000 µs, like a call to a database, that holds a
/// handler slot without using a CPU. Drawn from the item's sequence number (<see cref="MicrosecondsOf"/>), so that every
/// run, ordered or its twin, on every transport, waits exactly the same; about 0.5 ms on average.
/// </summary>
/// <remarks>
/// .NET's timers count whole milliseconds: <c>Task.Delay</c> of less than 1 ms completes at once, and of 1 ms takes
/// 1–2 ms or (measured here under load) 3–7 ms. So one thread of its own ends the waits: it sleeps with
/// <see cref="PreciseSleep"/> until the earliest deadline, at most <see cref="MaxSleepMicroseconds"/> at a time (a
/// shorter wait may have come in meanwhile), then completes every wait that is due; the handler continues on the thread
/// pool. A wait ends about 0.1–0.2 ms after its deadline (the sleep's granularity); the ordered scenario reports the
/// average it took on stderr. Cancellation is not observed: no wait is longer than 1 ms.
/// </remarks>
public sealed class HandlerDelay : IDisposable
{
    /// <summary>The longest wait.</summary>
    public const int MaxMicroseconds = 1_000;

    private const int MaxSleepMicroseconds = 100;

    private readonly PriorityQueue<TaskCompletionSource, long> _due = new();
    private readonly List<TaskCompletionSource> _ready = [];
    private readonly object _gate = new();
    private bool _disposed;

    private readonly bool _waits;

    /// <summary>Starts the thread that ends the waits; with <paramref name="waits"/> false, no thread and no waits.</summary>
    public HandlerDelay(bool waits)
    {
        _waits = waits;
        if (waits)
        {
            new Thread(Run) { IsBackground = true, Name = "bench handler delay" }.Start();
        }
    }

    /// <summary>The wait of item <paramref name="sequence"/> (0 when this delay does not wait).</summary>
    public int MicrosecondsFor(int sequence) => _waits ? MicrosecondsOf(sequence) : 0;

    /// <summary>The wait of item <paramref name="sequence"/>: uniform over 0–1,000 µs, the same in every run.</summary>
    public static int MicrosecondsOf(int sequence)
    {
        // SplitMix64's finalizer: consecutive sequence numbers give unrelated values.
        var z = (ulong)sequence + 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        z ^= z >> 31;
        return (int)(z % (MaxMicroseconds + 1));
    }

    /// <summary>Completes <paramref name="microseconds"/> from now (a little later, see the remarks).</summary>
    public ValueTask WaitAsync(int microseconds)
    {
        if (microseconds <= 0)
        {
            return ValueTask.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = Stopwatch.GetTimestamp() + (microseconds * Stopwatch.Frequency / 1_000_000);
        lock (_gate)
        {
            _due.Enqueue(done, deadline);
            if (_due.Count == 1)
            {
                Monitor.Pulse(_gate);
            }
        }

        return new ValueTask(done.Task);
    }

    /// <summary>Ends the thread; waits still pending complete at once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            long sleep;
            lock (_gate)
            {
                while (_due.Count == 0 && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                var now = _disposed ? long.MaxValue : Stopwatch.GetTimestamp();
                while (_due.TryPeek(out var done, out var deadline) && deadline <= now)
                {
                    _ready.Add(_due.Dequeue());
                }

                sleep = _due.TryPeek(out _, out var next) ? next - now : 0;
            }

            foreach (var done in _ready)
            {
                done.TrySetResult();
            }

            _ready.Clear();
            if (_disposed)
            {
                return;
            }

            if (sleep > 0)
            {
                PreciseSleep.For(Math.Min(sleep * 1_000_000 / Stopwatch.Frequency, MaxSleepMicroseconds));
            }
        }
    }
}
