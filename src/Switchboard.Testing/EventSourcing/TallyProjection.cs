using System.Collections.Concurrent;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Projections;

namespace Switchboard.Testing.EventSourcing;

/// <summary>
/// The suites' projection: the sum of <see cref="Counted"/> amounts per <c>tally-*</c> stream, times
/// <see cref="Multiplier"/>. On a database it keeps the table <c>tallies(id, value)</c>; on the in-memory store it
/// keeps <see cref="InMemoryTallies"/>, which plays the database (shared by instances, one model per generation).
/// </summary>
public sealed class TallyProjection : Projection
{
    private readonly InMemoryTallies _memory;
    private int _failuresLeft;

    /// <summary>Creates the projection; on the in-memory store it keeps its tallies in <paramref name="memory"/>.</summary>
    public TallyProjection(InMemoryTallies memory)
        : base("tally")
    {
        _memory = memory;
        When<Counted>(ApplyAsync);
    }

    /// <summary>What each amount counts for (changed before a rebuild, to see the new code's result).</summary>
    public int Multiplier { get; set; } = 1;

    /// <summary>How many batches failed on purpose.</summary>
    public int Failures { get; private set; }

    /// <inheritdoc />
    public override EventFilter Filter => EventFilter.ForCategories("tally");

    /// <summary>Makes the next batch that contains the event at <paramref name="position"/> fail after applying it.</summary>
    public void FailOnceAt(long position)
    {
        FailPosition = position;
        _failuresLeft = 1;
    }

    private long FailPosition { get; set; }

    /// <inheritdoc />
    public override async ValueTask CreateSchemaAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        var table = context.Table("tallies");
        if (context.Connection is not null)
        {
            await context.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, value BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask ApplyAsync(ProjectionContext context, Counted counted, RecordedEvent recorded, CancellationToken cancellationToken)
    {
        var amount = (long)counted.Amount * Multiplier;
        if (context.Connection is null)
        {
            _memory.Add(context.Generation, recorded.StreamId, amount);
        }
        else
        {
            var table = context.Table("tallies");
            await context.ExecuteAsync(
                $"INSERT INTO {table} (id, value) VALUES (@p0, @p1) ON CONFLICT (id) DO UPDATE SET value = {table}.value + excluded.value",
                cancellationToken,
                recorded.StreamId,
                amount).ConfigureAwait(false);
        }

        if (_failuresLeft > 0 && recorded.Position == FailPosition)
        {
            _failuresLeft--;
            Failures++;
            throw new InvalidOperationException($"Failing on purpose after applying event {recorded.Position}.");
        }
    }
}

/// <summary>The in-memory store's stand-in for the tallies table: one model per projection generation.</summary>
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
