using System.Diagnostics;

namespace Switchboard.Benchmarks.Scenarios.Ordered;

/// <summary>
/// The handler's work in the <c>ordered</c> scenario: a wait of 0–1,000 µs, like a call to a database, that holds a
/// handler slot without using a CPU. Drawn from the item's sequence number (<see cref="MicrosecondsOf"/>), so that every
/// run, ordered or its twin, on every transport, waits exactly the same; 0.5 ms on average.
/// </summary>
/// <remarks>
/// .NET's timers count whole milliseconds: <c>Task.Delay</c> of less than 1 ms completes at once, and of 1 ms takes
/// 1–2 ms or (measured here under load) 3–7 ms. So threads of its own end the waits, one per handler slot: each takes
/// the next wait, sleeps with <see cref="PreciseSleep"/> until its deadline and completes it, and the handler goes on
/// on that thread, as it would after an I/O completion. A wait ends some tens of microseconds after its deadline (the
/// sleep's granularity), more when the machine is busy; the ordered scenario reports on stderr what the waits took.
/// Cancellation is not observed: no wait is longer than 1 ms.
/// </remarks>
public sealed class HandlerDelay : IDisposable
{
    /// <summary>The longest wait.</summary>
    public const int MaxMicroseconds = 1_000;

    private readonly Queue<(TaskCompletionSource Done, long Deadline)> _waits = new();
    private readonly object _gate = new();
    private readonly bool _waitsAtAll;
    private bool _disposed;

    /// <summary>Starts <paramref name="sleepers"/> threads that end the waits (one per handler slot); with none, nothing waits.</summary>
    public HandlerDelay(int sleepers)
    {
        _waitsAtAll = sleepers > 0;
        for (var i = 0; i < sleepers; i++)
        {
            new Thread(Sleep) { IsBackground = true, Name = $"bench handler delay {i + 1}" }.Start();
        }
    }

    /// <summary>The wait of item <paramref name="sequence"/> (0 when this delay does not wait).</summary>
    public int MicrosecondsFor(int sequence) => _waitsAtAll ? MicrosecondsOf(sequence) : 0;

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

        // Continuations run on the sleeper that completes it, as after an I/O completion: no hop to the thread pool.
        var done = new TaskCompletionSource();
        var deadline = Stopwatch.GetTimestamp() + (microseconds * Stopwatch.Frequency / 1_000_000);
        lock (_gate)
        {
            _waits.Enqueue((done, deadline));
            Monitor.Pulse(_gate);
        }

        return new ValueTask(done.Task);
    }

    /// <summary>Ends the threads; waits still pending complete at once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Sleep()
    {
        while (true)
        {
            (TaskCompletionSource Done, long Deadline) wait;
            lock (_gate)
            {
                while (_waits.Count == 0 && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (!_waits.TryDequeue(out wait))
                {
                    return;
                }
            }

            var remaining = wait.Deadline - Stopwatch.GetTimestamp();
            if (remaining > 0 && !_disposed)
            {
                PreciseSleep.For(remaining * 1_000_000 / Stopwatch.Frequency);
            }

            wait.Done.TrySetResult();
        }
    }
}
