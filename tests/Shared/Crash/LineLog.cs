using System.Collections.Concurrent;
using System.Globalization;

namespace Switchboard.CrashTesting;

/// <summary>The lines one stream of a process wrote, collected from the reader thread, readable from the test.</summary>
public sealed class LineLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Add(string line) => _lines.Enqueue(line);

    public IReadOnlyList<string> Lines => [.. _lines];

    public bool Contains(string line) => _lines.Contains(line, StringComparer.Ordinal);

    /// <summary>The numbers of every line "<paramref name="verb"/> N" (or "<paramref name="verb"/> N more..."), in the order written, repeats included.</summary>
    public List<int> Numbers(string verb) => [.. Fields(verb).Select(fields => (int)fields[0])];

    /// <summary>
    /// The numbers of every line "<paramref name="verb"/> N1 N2 ...", in the order written: a line whose fields are not
    /// all numbers is left out.
    /// </summary>
    public List<long[]> Fields(string verb)
    {
        var prefix = verb + " ";
        var rows = new List<long[]>();
        foreach (var line in _lines)
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line[prefix.Length..].Split(' ');
            var numbers = new long[fields.Length];
            var all = true;
            for (var i = 0; i < fields.Length && all; i++)
            {
                all = long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]);
            }

            if (all && (numbers[0] <= int.MaxValue))
            {
                rows.Add(numbers);
            }
        }

        return rows;
    }

    public string Tail(int count) => string.Join(Environment.NewLine, _lines.TakeLast(count));
}
