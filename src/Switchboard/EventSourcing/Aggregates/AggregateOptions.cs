namespace Switchboard.EventSourcing.Aggregates;

/// <summary>How the repository stores an aggregate type.</summary>
public sealed record AggregateOptions
{
    /// <summary>Creates options for aggregates whose streams are <c>{category}-{id}</c>.</summary>
    public AggregateOptions(string category)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        Category = category;
    }

    /// <summary>The streams' category, e.g. <c>order</c> for <c>order-42</c>.</summary>
    public string Category { get; init; }

    /// <summary>Take a snapshot whenever a save crosses a multiple of this many events; 0 (the default) never.</summary>
    public int SnapshotEvery { get; init; }

    /// <summary>
    /// The version of the state's shape: change it when the state type changes incompatibly, and older snapshots are
    /// ignored (the stream is replayed instead).
    /// </summary>
    public int SnapshotSchema { get; init; } = 1;

    /// <summary>How many times <c>AggregateRepository.HandleAsync</c> loads and decides again after losing a race (default 10).</summary>
    public int MaxConflictRetries { get; init; } = 10;
}
