using System.Globalization;

namespace Switchboard.RabbitMQ.Tests.Crash;

/// <summary>The crash host's command lines on RabbitMQ (an amqp:// URI of the test's vhost in place of a database file).</summary>
public static class RabbitMqCrashRuns
{
    /// <summary>
    /// Number N's ordering key is N % <paramref name="keys"/>; the endpoint is ordered by the keys the producer stamps.
    /// With <paramref name="poisonFile"/>, the numbers it lists fail while it exists, dead-lettered at once.
    /// </summary>
    public static CrashHostProcess StartConsumer(string name, Uri vhost, string queue, int handlerDelayMilliseconds, int keys, string? poisonFile = null) =>
        CrashHostProcess.Start(name, ["consume", vhost.ToString(), queue, "--delay-ms", Text(handlerDelayMilliseconds), "--keys", Text(keys), .. poisonFile is null ? [] : new[] { "--poison-file", poisonFile }]);

    /// <summary>Sends the numbers 1 to <paramref name="count"/>, each key's in increasing order, and checks that every send was confirmed.</summary>
    public static async Task ProduceAllAsync(Uri vhost, string queue, int count, int keys)
    {
        using var producer = CrashHostProcess.Start("producer", "produce", vhost.ToString(), queue, "1", Text(count), "--keys", Text(keys));
        await producer.WaitUntilAsync(o => o.Contains("done"), "'done'");
        Assert.True(await producer.WaitForExitAsync() == 0, producer.Describe());
        Assert.Equal(Enumerable.Range(1, count), producer.Output.Numbers("sent").Order());
    }

    /// <summary>The numbers of <paramref name="expected"/> not in <paramref name="seen"/>, for failure messages.</summary>
    public static string Missing(IEnumerable<int> expected, IEnumerable<int> seen)
    {
        var missing = expected.Except(seen).ToList();
        return $"{missing.Count} missing: {string.Join(", ", missing.Take(50))}{(missing.Count > 50 ? ", ..." : "")}";
    }

    /// <summary>
    /// Checks that each key's messages were handled in send order, none lost: a message handled again (it was handled
    /// but not acknowledged when its consumer died) may only come right after itself. Returns a description of what broke, or null.
    /// </summary>
    public static string? OrderBroken(IReadOnlyList<Handling> handled, int count, int keys) =>
        OrderBroken(handled, keys, key => [.. Enumerable.Range(1, count).Where(n => n % keys == key)]);

    /// <summary>The same check for numbers sent in another pattern: <paramref name="sentOf"/> gives a key's, in send order.</summary>
    public static string? OrderBroken(IReadOnlyList<Handling> handled, int keys, Func<int, IReadOnlyList<int>> sentOf)
    {
        var problems = new List<string>();
        for (var key = 0; key < keys; key++)
        {
            var line = handled.Where(h => h.Number % keys == key).ToList();
            var once = line.Where((h, i) => i == 0 || line[i - 1].Number != h.Number).Select(h => h.Number).ToList();
            var expected = sentOf(key);
            if (!once.SequenceEqual(expected))
            {
                var at = Enumerable.Range(0, Math.Min(once.Count, expected.Count)).FirstOrDefault(i => once[i] != expected[i], Math.Min(once.Count, expected.Count));
                IEnumerable<Handling> around = once.Count == 0 ? [] : line.SkipWhile(h => h.Number != (at < once.Count ? once[Math.Max(0, at - 3)] : once[^1])).Take(10);
                problems.Add($"key {key}: {once.Count} handlings after collapsing repeats, {expected.Count} expected; first difference at {at}: "
                    + string.Join(", ", around.Select(h => $"{h.Number}(d{h.Delivery}, {h.By})")));
            }
        }

        return problems.Count == 0 ? null : string.Join(Environment.NewLine, problems.Take(10));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
