using Switchboard.Transport;

namespace Switchboard.InMemory;

/// <summary>The dead-letter API over an in-memory network.</summary>
internal sealed class InMemoryDeadLetterQueue(InMemoryNetwork network) : IDeadLetterQueue
{
    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(network.Find(queue)?.DeadLetters.List(skip, take) ?? []);

    public ValueTask<DeadLetter?> GetAsync(string queue, string id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(network.Find(queue)?.DeadLetters.Find(id));

    public ValueTask<long> CountAsync(string queue, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult((long)(network.Find(queue)?.DeadLetters.Count ?? 0));

    public async ValueTask<bool> RedriveAsync(string queue, string id, CancellationToken cancellationToken = default)
    {
        var source = network.Find(queue);
        if (source?.DeadLetters.Take(id) is not { } letter)
        {
            return false;
        }

        await source.Redrive(letter, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<int> RedriveAllAsync(string queue, CancellationToken cancellationToken = default)
    {
        var source = network.Find(queue);
        if (source is null)
        {
            return 0;
        }

        var letters = source.DeadLetters.TakeAll();
        foreach (var letter in letters)
        {
            await source.Redrive(letter, cancellationToken).ConfigureAwait(false);
        }

        return letters.Count;
    }

    public ValueTask<bool> DeleteAsync(string queue, string id, CancellationToken cancellationToken = default)
    {
        var source = network.Find(queue);
        if (source?.DeadLetters.Take(id) is not { } letter)
        {
            return ValueTask.FromResult(false);
        }

        Skip(source, letter);
        return ValueTask.FromResult(true);
    }

    public ValueTask<int> PurgeAsync(string queue, CancellationToken cancellationToken = default)
    {
        if (network.Find(queue) is not { } source)
        {
            return ValueTask.FromResult(0);
        }

        var letters = source.DeadLetters.TakeAll();
        foreach (var letter in letters)
        {
            Skip(source, letter);
        }

        return ValueTask.FromResult(letters.Count);
    }

    /// <summary>The keys of an ordered queue that a dead letter parks, in the dead letters' order.</summary>
    public IReadOnlyList<ParkedKey> ListParkedKeys(string queue, int skip, int take)
    {
        if (network.Find(queue) is not { KeyLines: { } lines } source)
        {
            return [];
        }

        return [.. source.DeadLetters.List(0, int.MaxValue)
            .Where(letter => source.ParkedBy(letter) is not null)
            .Skip(skip)
            .Take(take)
            .Select(letter => new ParkedKey(letter.OrderingKey!, queue, letter.Id, lines.Waiting(letter.OrderingKey!)))];
    }

    // A deleted dead letter of an ordered queue is skipped: the key it parked goes on with its next message.
    private static void Skip(InMemoryQueue source, DeadLetter letter)
    {
        if (source.ParkedBy(letter) is { } parked)
        {
            source.ReleaseKey(parked);
        }
    }
}
