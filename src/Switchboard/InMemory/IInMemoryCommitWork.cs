namespace Switchboard.InMemory;

/// <summary>
/// Work of another in-memory store that commits with a unit of work of the <see cref="InMemoryMessageStore"/>: prepared
/// before the store's own commit (where a lost race fails the unit), then committed with it, or aborted.
/// </summary>
internal interface IInMemoryCommitWork
{
    /// <summary>Checks and stages the work; throws <see cref="Persistence.ConcurrencyConflictException"/> on a lost race.</summary>
    ValueTask PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Makes the prepared work visible.</summary>
    void Commit();

    /// <summary>Undoes whatever was prepared (safe to call when nothing was).</summary>
    ValueTask AbortAsync();
}
