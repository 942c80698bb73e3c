using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchboard.PostgreSql;

/// <summary>
/// The messages that <see cref="PostgreSqlMessageStore.WasHandledAsync"/> recently found unhandled, per endpoint. The
/// transaction step asks that just before it begins a message's unit of work, which then records the message in the
/// inbox at its commit: with a hint at hand, it need not ask the database a second time in between.
/// </summary>
/// <remarks>
/// A hint only saves a query; it never decides an outcome. When another unit of work committed the message after the
/// check, the commit's inbox insert writes nothing and the commit fails with
/// <see cref="Persistence.ConcurrencyConflictException"/> (the contract lets an optimistic store do that); the rerun
/// finds no hint (each is used once), asks the database and reports the duplicate. Hints lapse after
/// <see cref="Lifetime"/>; those never used (the handler failed) are dropped by an occasional sweep, so the table
/// stays about as large as the number of messages in flight.
/// </remarks>
internal sealed class UnhandledHints
{
    /// <summary>How long a hint is good for: a unit of work whose handlers take longer asks the database again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    // A sweep every so many hints; past the cap (only if hints pile up faster than they lapse) they are all dropped.
    private const int SweepEvery = 1024;
    private const int MaxHints = 65_536;

    private readonly ConcurrentDictionary<(string Endpoint, string MessageId), long> _hints = new();
    private int _added;

    /// <summary>Records what the database answered: unhandled leaves a hint, handled removes one.</summary>
    public void Remember(string endpoint, string messageId, bool handled)
    {
        if (handled)
        {
            _hints.TryRemove((endpoint, messageId), out _);
            return;
        }

        _hints[(endpoint, messageId)] = Stopwatch.GetTimestamp();
        if (Interlocked.Increment(ref _added) % SweepEvery == 0)
        {
            Sweep();
        }
    }

    /// <summary>Uses up the hint for the message: true when there was one, younger than <see cref="Lifetime"/>.</summary>
    public bool Take(string endpoint, string messageId) =>
        _hints.TryRemove((endpoint, messageId), out var at) && Stopwatch.GetElapsedTime(at) < Lifetime;

    private void Sweep()
    {
        foreach (var hint in _hints)
        {
            if (Stopwatch.GetElapsedTime(hint.Value) >= Lifetime)
            {
                _hints.TryRemove(hint);
            }
        }

        if (_hints.Count > MaxHints)
        {
            _hints.Clear();
        }
    }
}
