using System.Globalization;
using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ.Tests.Crash;

/// <summary>
/// Numbers sent in rounds, as the crash host keys them: round r's message of key k is number r * keys + k (rounds from
/// 1), so number N's key is N % keys and each key's numbers grow in send order. One key of each partition is to be
/// parked, the others stay healthy; remembers what was sent, key by key.
/// </summary>
public sealed class KeyedRounds
{
    private readonly List<int>[] _sent;

    public KeyedRounds(int keys, int partitions)
    {
        Keys = keys;
        _sent = [.. Enumerable.Range(0, keys).Select(_ => new List<int>())];

        // The first key of each partition that has another key beside it, so that a healthy key shows the partition works.
        Parked = [.. Enumerable.Range(0, keys)
            .GroupBy(k => OrderingNames.PartitionOf(Key(k), partitions))
            .Where(g => g.Count() > 1)
            .Select(g => g.First())
            .Order()];
        Healthy = [.. Enumerable.Range(0, keys).Except(Parked)];
    }

    public int Keys { get; }

    public IReadOnlyList<int> Parked { get; }

    public IReadOnlyList<int> Healthy { get; }

    /// <summary>Rounds sent so far.</summary>
    public int Sent { get; private set; }

    /// <summary>Key k's ordering key, the text the crash host stamps.</summary>
    public static string Key(int key) => key.ToString(CultureInfo.InvariantCulture);

    public int Number(int round, int key) => round * Keys + key;

    public int KeyOf(int number) => number % Keys;

    /// <summary>Sends the next <paramref name="rounds"/> rounds to <paramref name="keys"/>, one round after the other.</summary>
    public async Task SendAsync(OperatorBus bus, IReadOnlyList<int> keys, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            var round = ++Sent;
            var numbers = keys.Select(k => Number(round, k)).ToList();
            await bus.SendAsync(numbers);
            foreach (var number in numbers)
            {
                _sent[KeyOf(number)].Add(number);
            }
        }
    }

    /// <summary>What was sent to <paramref name="key"/>, in send order.</summary>
    public IReadOnlyList<int> SentOf(int key) => _sent[key];

    /// <summary>Every number sent so far.</summary>
    public IEnumerable<int> AllSent => _sent.SelectMany(s => s);
}
