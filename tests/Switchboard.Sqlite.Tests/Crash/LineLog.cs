using System.Collections.Concurrent;
using System.Globalization;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>The lines one stream of a process wrote, collected from the reader thread, readable from the test.</summary>
public sealed class LineLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Add(string line) => _lines.Enqueue(line);

    public IReadOnlyList<string> Lines => [.. _lines];

    public bool Contains(string line) => _lines.Contains(line, StringComparer.Ordinal);

    /// <summary>The numbers of every line "<paramref name="verb"/> N", in the order written, repeats included.</summary>
    public List<int> Numbers(string verb)
    {
        var prefix = verb + " ";
        var numbers = new List<int>();
        foreach (var line in _lines)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                numbers.Add(number);
            }
        }

        return numbers;
    }

    public string Tail(int count) => string.Join(Environment.NewLine, _lines.TakeLast(count));
}
