namespace Switchboard.Conformance.Harness;

/// <summary>
/// Checks ordered handling as it happens, for many messages without recording each: message <c>n</c> has key
/// <c>n % keys</c>, and a key's messages are sent as <c>key, key + keys, key + 2·keys, …</c>. A handler enters before
/// its work and leaves after it; entering a key another handler is inside, or any message but the key's next, is a
/// violation, and the same message again (a redelivery after a crash) is a duplicate.
/// </summary>
public sealed class KeyOrderLedger
{
    private readonly int _keys;
    private readonly int[] _last;
    private readonly int[] _inside;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> _seen = new();
    private readonly List<string> _violations = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _expected;
    private int _handled;
    private int _duplicates;

    /// <summary>A ledger for <paramref name="count"/> messages over <paramref name="keys"/> keys.</summary>
    public KeyOrderLedger(int keys, int count)
    {
        _keys = keys;
        _expected = count;
        _last = Enumerable.Repeat(-1, keys).ToArray();
        _inside = new int[keys];
    }

    /// <summary>Messages handled to the end (each once, duplicates not counted).</summary>
    public int Handled => Volatile.Read(ref _handled);

    /// <summary>Messages handled again after they were handled once.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>What broke order or one-at-a-time, the first 20.</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_violations)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>A handler starts on message <paramref name="number"/>; returns false for a duplicate, which must not count.</summary>
    public bool Enter(int number)
    {
        var key = number % _keys;
        if (Interlocked.Increment(ref _inside[key]) != 1)
        {
            Violate($"message {number} started while another message of key {key} was being handled");
        }

        if (!_seen.TryAdd(number, true))
        {
            Interlocked.Increment(ref _duplicates);
            return false;
        }

        var last = Volatile.Read(ref _last[key]);
        var next = last < 0 ? key : last + _keys;
        if (number != next)
        {
            Violate($"key {key}: message {number} handled when {next} was next");
        }

        Volatile.Write(ref _last[key], Math.Max(last, number));
        return true;
    }

    /// <summary>The handler of <paramref name="number"/> finished.</summary>
    public void Leave(int number, bool counts)
    {
        Interlocked.Decrement(ref _inside[number % _keys]);
        if (counts && Interlocked.Increment(ref _handled) == _expected)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>Waits until every message was handled; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAllAsync(TimeSpan timeout)
    {
        try
        {
            await _done.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout}: {Handled} of {_expected} messages handled; violations: {string.Join("; ", Violations)}");
        }
    }

    private void Violate(string what)
    {
        lock (_violations)
        {
            if (_violations.Count < 20)
            {
                _violations.Add(what);
            }
        }
    }
}
