namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// Healthy keys' traffic, in rounds: round r is message r of every healthy key, sent together, and the next round goes
/// out once it was all handled. Which instance handled a round's messages of a partition tells, from outside, which
/// instance is active on that partition.
/// </summary>
public sealed class HealthyRounds(IBus bus, HandOverLedger ledger, IReadOnlyList<string> keys)
{
    /// <summary>Rounds sent so far: the healthy keys' messages are numbered 0 to <see cref="Sent"/> - 1.</summary>
    public int Sent { get; private set; }

    /// <summary>Sends one round and waits until it was handled; returns its number.</summary>
    public async Task<int> SendAsync()
    {
        var round = Sent++;
        await Task.WhenAll(keys.Select(k => bus.SendAsync(HandOverInstances.Queue, new KeyedStep(k, round)).AsTask()));
        await Eventually.UntilAsync(
            () => keys.All(k => HandlersOf(k, round).Count > 0),
            $"round {round} of the healthy keys to be handled",
            () => $"not handled: {string.Join(", ", keys.Where(k => HandlersOf(k, round).Count == 0))}");
        return round;
    }

    /// <summary>Sends rounds until <paramref name="done"/> holds after one; returns that round's number.</summary>
    public async Task<int> UntilAsync(Func<int, Task<bool>> done, string what, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            var round = await SendAsync();
            if (await done(round))
            {
                return round;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what} after {round + 1} rounds.{Environment.NewLine}{describe?.Invoke()}");
            }
        }
    }

    /// <summary>Sends rounds until every healthy key's message of the last one was handled by the owner of its partition.</summary>
    public Task<int> UntilActiveOnAsync(IReadOnlyList<string> ownerOfPartition, string what) =>
        UntilAsync(
            round => Task.FromResult(keys.All(k => HandlersOf(k, round).All(instance => instance == ownerOfPartition[HandOverInstances.PartitionOf(k)]))),
            what,
            () => "last round's handlers: " + string.Join(", ", keys.Select(k => $"{k} (p{HandOverInstances.PartitionOf(k)}): {string.Join("+", HandlersOf(k, Sent - 1))}")));

    /// <summary>The instances that handled message <paramref name="round"/> of <paramref name="key"/>.</summary>
    public IReadOnlyList<string> HandlersOf(string key, int round) =>
        [.. ledger.Of(key).Where(h => h.Number == round).Select(h => h.Instance)];
}
