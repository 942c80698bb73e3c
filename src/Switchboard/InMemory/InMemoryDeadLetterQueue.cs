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

        await source.EnqueueAsync(DeadLetterEnvelope.ForRedrive(letter.Envelope), deliverAt: null, cancellationToken).ConfigureAwait(false);
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
            await source.EnqueueAsync(DeadLetterEnvelope.ForRedrive(letter.Envelope), deliverAt: null, cancellationToken).ConfigureAwait(false);
        }

        return letters.Count;
    }

    public ValueTask<bool> DeleteAsync(string queue, string id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(network.Find(queue)?.DeadLetters.Take(id) is not null);

    public ValueTask<int> PurgeAsync(string queue, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(network.Find(queue)?.DeadLetters.TakeAll().Count ?? 0);
}
