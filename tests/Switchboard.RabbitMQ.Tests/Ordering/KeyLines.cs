namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// What the handlers of an ordered endpoint did, key by key: each key's handlings in the order they began (number N's
/// key is N % keys), and any handling that began while another of its key was still running.
/// </summary>
public sealed class KeyLines(int keys)
{
    private readonly List<int>[] _lines = [.. Enumerable.Range(0, keys).Select(_ => new List<int>())];
    private readonly int[] _inside = new int[keys];
    private readonly List<string> _overlaps = [];
    private int _handlings;

    public int Keys => keys;

    /// <summary>Handlings so far, repeats included.</summary>
    public int Handlings => Volatile.Read(ref _handlings);

    public IReadOnlyList<string> Overlaps
    {
        get
        {
            lock (_overlaps)
            {
                return [.. _overlaps];
            }
        }
    }

    public void Enter(int number)
    {
        var key = number % keys;
        if (Interlocked.Increment(ref _inside[key]) != 1)
        {
            lock (_overlaps)
            {
                _overlaps.Add($"{number} began while another message of key {key} was being handled");
            }
        }

        lock (_lines[key])
        {
            _lines[key].Add(number);
        }
    }

    public void Leave(int number)
    {
        Interlocked.Decrement(ref _inside[number % keys]);
        Interlocked.Increment(ref _handlings);
    }

    /// <summary>Every number handled at least once.</summary>
    public HashSet<int> Handled()
    {
        var all = new HashSet<int>();
        foreach (var line in _lines)
        {
            lock (line)
            {
                all.UnionWith(line);
            }
        }

        return all;
    }

    /// <summary>
    /// Keys whose handlings, with a repeat right after itself collapsed (a redelivery of a message handled but not
    /// acknowledged), are not the numbers 0 to count - 1 of the key in increasing order: each with its handlings around
    /// the first difference.
    /// </summary>
    public List<string> OutOfOrder(int count)
    {
        var problems = new List<string>();
        for (var key = 0; key < keys; key++)
        {
            List<int> line;
            lock (_lines[key])
            {
                line = [.. _lines[key]];
            }

            var once = line.Where((n, i) => i == 0 || line[i - 1] != n).ToList();
            var expected = Enumerable.Range(0, count).Where(n => n % keys == key).ToList();
            if (!once.SequenceEqual(expected))
            {
                var at = Enumerable.Range(0, Math.Min(once.Count, expected.Count)).FirstOrDefault(i => once[i] != expected[i], Math.Min(once.Count, expected.Count));
                problems.Add($"key {key}: {string.Join(", ", once.Skip(Math.Max(0, at - 4)).Take(10))} (first difference at {at} of {expected.Count})");
            }
        }

        return problems;
    }
}
