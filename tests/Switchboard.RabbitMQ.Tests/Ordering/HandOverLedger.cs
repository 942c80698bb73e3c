using System.Collections.Concurrent;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>One successful handling: which instance handled which message of which key.</summary>
public sealed record KeyedHandling(string Instance, string Key, int Number);

/// <summary>
/// Every successful handling of all the instances of a test, in the order they were recorded (for one key of an ordered
/// endpoint, the order they ran in), and whether poison messages still fail.
/// </summary>
public sealed class HandOverLedger
{
    private readonly ConcurrentQueue<KeyedHandling> _handlings = new();
    private volatile bool _poisoned = true;

    public bool Poisoned => _poisoned;

    /// <summary>From now on poison messages succeed: what a fix deployed before a re-drive does.</summary>
    public void Cure() => _poisoned = false;

    public void Record(KeyedHandling handling) => _handlings.Enqueue(handling);

    public IReadOnlyList<KeyedHandling> All => [.. _handlings];

    /// <summary>The handlings of <paramref name="key"/>, in the order they ran.</summary>
    public IReadOnlyList<KeyedHandling> Of(string key) => [.. _handlings.Where(h => h.Key == key)];
}
