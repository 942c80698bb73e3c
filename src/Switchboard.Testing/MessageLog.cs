using System.Globalization;
using System.Text;

namespace Switchboard.Testing;

/// <summary>
/// What the harness saw of one kind (consumed, sent, published, dead-lettered), in order, with expectations that wait
/// for a condition, never for a fixed time: each returns as soon as it holds, and fails with a
/// <see cref="HarnessAssertionException"/> once the bus is idle without it (nothing more can come until the test acts
/// or advances the clock) or the timeout has passed.
/// </summary>
/// <typeparam name="TRecord">What one entry says.</typeparam>
public sealed class MessageLog<TRecord>
    where TRecord : RecordedMessage
{
    private readonly SwitchboardTestHarness _harness;
    private readonly Func<IReadOnlyList<TRecord>> _source;

    internal MessageLog(SwitchboardTestHarness harness, string name, Func<IReadOnlyList<TRecord>> source)
    {
        _harness = harness;
        Name = name;
        _source = source;
    }

    /// <summary>What the log holds, in words (<c>consumed</c>, <c>published</c>, <c>consumed at 'orders'</c>), for failure messages.</summary>
    public string Name { get; }

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyList<TRecord> All => _source();

    /// <summary>How many entries there are so far.</summary>
    public int Count => _source().Count;

    /// <summary>The entries whose message is a <typeparamref name="T"/> (matching <paramref name="where"/> when given), oldest first.</summary>
    public IReadOnlyList<TRecord> Select<T>(Func<T, bool>? where = null) =>
        [.. _source().Where(r => r.Message is T message && (where is null || where(message)))];

    /// <summary>The messages of the entries that <see cref="Select{T}"/> returns.</summary>
    public IReadOnlyList<T> Messages<T>(Func<T, bool>? where = null) => [.. Select(where).Select(r => (T)r.Message!)];

    /// <summary>Whether an entry of a <typeparamref name="T"/> (matching <paramref name="where"/>) is there now; does not wait.</summary>
    public bool Any<T>(Func<T, bool>? where = null) => Select(where).Count > 0;

    /// <summary>The entries that match <paramref name="filter"/>, as a log of their own, described as <paramref name="description"/> in failure messages.</summary>
    public MessageLog<TRecord> Where(Func<TRecord, bool> filter, string description)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        return new MessageLog<TRecord>(_harness, description, () => [.. _source().Where(filter)]);
    }

    /// <summary>
    /// Waits for the first entry of a <typeparamref name="T"/> that matches <paramref name="where"/> (any when null) and
    /// returns it.
    /// </summary>
    /// <param name="where">The condition on the message; null for any <typeparamref name="T"/>.</param>
    /// <param name="timeout">The longest wait in real time; <see cref="SwitchboardTestHarnessOptions.Timeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="HarnessAssertionException">None came before the bus was idle or the timeout passed.</exception>
    public async Task<TRecord> AnyAsync<T>(Func<T, bool>? where = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var outcome = await _harness.WaitAsync(() => Select(where) is { Count: > 0 } found ? found[0] : null, stopWhenIdle: true, timeout, cancellationToken).ConfigureAwait(false);
        return outcome.Value ?? throw Failure($"a {Name} {_harness.Describe(typeof(T))}{Matching(where)}", outcome);
    }

    /// <summary>Waits until there are at least <paramref name="count"/> entries of a <typeparamref name="T"/> matching <paramref name="where"/>, and returns them.</summary>
    /// <param name="count">How many at least.</param>
    /// <param name="where">The condition on the message; null for any <typeparamref name="T"/>.</param>
    /// <param name="timeout">The longest wait in real time; <see cref="SwitchboardTestHarnessOptions.Timeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="HarnessAssertionException">Fewer came before the bus was idle or the timeout passed.</exception>
    public async Task<IReadOnlyList<TRecord>> CountAsync<T>(int count, Func<T, bool>? where = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var outcome = await _harness.WaitAsync(() => Select(where) is { } found && found.Count >= count ? found : null, stopWhenIdle: true, timeout, cancellationToken).ConfigureAwait(false);
        return outcome.Value ?? throw Failure(string.Create(CultureInfo.InvariantCulture, $"{count} {Name} {_harness.Describe(typeof(T))}{Matching(where)} (there are {Select(where).Count})"), outcome);
    }

    /// <summary>
    /// Waits until the bus is idle, then checks that no entry of a <typeparamref name="T"/> matches <paramref name="where"/>:
    /// the way to assert that something did not happen without waiting for a fixed time.
    /// </summary>
    /// <param name="where">The condition on the message; null for any <typeparamref name="T"/>.</param>
    /// <param name="timeout">The longest wait for idle in real time; <see cref="SwitchboardTestHarnessOptions.Timeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="HarnessAssertionException">One is there, or the bus did not become idle in time.</exception>
    public async Task NoneAsync<T>(Func<T, bool>? where = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var outcome = await _harness.WaitAsync<TRecord>(() => Select(where) is { Count: > 0 } found ? found[0] : null, stopWhenIdle: true, timeout, cancellationToken).ConfigureAwait(false);
        if (outcome.Value is { } found)
        {
            throw new HarnessAssertionException($"Expected no {Name} {_harness.Describe(typeof(T))}{Matching(where)}, but saw {found.Describe()}.{Environment.NewLine}{Seen()}");
        }

        if (!outcome.Idle)
        {
            throw Failure($"the bus to become idle, to check that no {Name} {_harness.Describe(typeof(T))}{Matching(where)} comes", outcome);
        }
    }

    private HarnessAssertionException Failure<TValue>(string expected, WaitOutcome<TValue> outcome)
        where TValue : class
    {
        var message = new StringBuilder("Expected ").Append(expected).Append(outcome.Idle
            ? "; the bus became idle without it."
            : string.Create(CultureInfo.InvariantCulture, $"; it did not come within {outcome.Waited.TotalSeconds:0.###} s."));
        message.AppendLine().Append(Seen());
        if (outcome.Pending is { } pending)
        {
            message.AppendLine().Append("Still pending: ").Append(pending);
        }

        if (outcome.Scheduled is { } scheduled)
        {
            message.AppendLine().Append(scheduled);
        }

        return new HarnessAssertionException(message.ToString());
    }

    private string Seen()
    {
        var all = _source();
        if (all.Count == 0)
        {
            return $"Nothing {Name} so far.";
        }

        const int Shown = 20;
        var seen = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(Name[0])}{Name[1..]} so far ({all.Count}):"));
        foreach (var record in all.TakeLast(Shown))
        {
            seen.AppendLine().Append("  - ").Append(record.Describe());
        }

        if (all.Count > Shown)
        {
            seen.AppendLine().Append(CultureInfo.InvariantCulture, $"  (and {all.Count - Shown} earlier)");
        }

        return seen.ToString();
    }

    private static string Matching<T>(Func<T, bool>? where) => where is null ? "" : " matching the condition";
}
