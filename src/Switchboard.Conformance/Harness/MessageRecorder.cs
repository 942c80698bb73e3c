using System.Collections.Concurrent;

namespace Switchboard.Conformance.Harness;

/// <summary>Collects what handlers saw, across every bus of a test, and lets a test wait for it.</summary>
public sealed class MessageRecorder
{
    private readonly ConcurrentQueue<Handled> _handled = new();
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Everything recorded so far.</summary>
    public IReadOnlyList<Handled> All => _handled.ToArray();

    /// <summary>Records one handled message.</summary>
    public void Record(Handled handled)
    {
        _handled.Enqueue(handled);
        _changed.Release();
    }

    /// <summary>Waits until <paramref name="condition"/> holds over what was recorded; fails the test on timeout.</summary>
    public async Task<IReadOnlyList<Handled>> WaitUntilAsync(Func<IReadOnlyList<Handled>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var all = All;
            if (condition(all))
            {
                return all;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; {all.Count} message(s) recorded.");
            }

            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were recorded.</summary>
    public Task<IReadOnlyList<Handled>> WaitForCountAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(all => all.Count >= count, timeout, $"{count} handled message(s)");
}
