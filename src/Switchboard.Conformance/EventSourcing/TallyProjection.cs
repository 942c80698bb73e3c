using System.Collections.Concurrent;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Projections;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// The suites' projection that keeps its read model itself: the sum of <see cref="Counted"/> amounts per
/// <c>tally-*</c> stream (as <see cref="TallyRules"/> count them) in <see cref="InMemoryTallies"/>, one model per
/// generation. It runs on every store; <see cref="SqlTallyProjection"/> keeps the same tallies in a table.
/// </summary>
public sealed class TallyProjection : Projection
{
    private readonly InMemoryTallies _memory;
    private readonly TallyRules _rules;

    /// <summary>Creates the projection; it keeps its tallies in <paramref name="memory"/>.</summary>
    public TallyProjection(InMemoryTallies memory, TallyRules rules)
        : base("tally")
    {
        _memory = memory;
        _rules = rules;
        When<Counted>(Apply);
    }

    /// <inheritdoc />
    public override EventFilter Filter => EventFilter.ForCategories("tally");

    private ValueTask Apply(ProjectionContext context, Counted counted, RecordedEvent recorded, CancellationToken cancellationToken)
    {
        _memory.Add(context.Generation, recorded.StreamId, _rules.Amount(counted));
        _rules.Applied(recorded);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Where <see cref="TallyProjection"/> keeps its tallies: one model per projection generation, shared by instances.</summary>
public sealed class InMemoryTallies
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, long>> _generations = new();

    /// <summary>Adds to a stream's tally in a generation.</summary>
    public void Add(long generation, string stream, long amount) =>
        _generations.GetOrAdd(generation, _ => new(StringComparer.Ordinal)).AddOrUpdate(stream, amount, (_, value) => value + amount);

    /// <summary>The tallies of a generation.</summary>
    public IReadOnlyDictionary<string, long> Read(long generation) =>
        _generations.TryGetValue(generation, out var tallies) ? new Dictionary<string, long>(tallies) : new Dictionary<string, long>();
}
