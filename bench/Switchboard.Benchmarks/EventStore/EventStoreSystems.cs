using Switchboard.EventSourcing;
using Switchboard.InMemory;

namespace Switchboard.Benchmarks.EventStore;

/// <summary>The event stores the <c>append</c> and <c>catchup</c> scenarios run on, by system name.</summary>
public static class EventStoreSystems
{
    /// <summary>The system names that are event stores.</summary>
    public static IReadOnlyList<string> Names { get; } = ["switchboard-inmemory", "switchboard-sqlite", "switchboard-postgresql"];

    /// <summary>Creates an empty, initialized store for <paramref name="settings"/>; disposing the result removes its data.</summary>
    public static async Task<BenchmarkEventStore> CreateAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var created = settings.System switch
        {
            "switchboard-inmemory" => BenchmarkEventStore.For(new InMemoryEventStore(), () => ValueTask.CompletedTask),
            "switchboard-sqlite" => SqliteBenchmarkStore.Create(),
            "switchboard-postgresql" => await PostgreSqlBenchmarkStore.CreateAsync(settings.Postgres, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"'{settings.System}' is not an event store system; known: {string.Join(", ", Names)}."),
        };
        await created.Store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }
}

/// <summary>A store under test and how to remove its data afterwards.</summary>
public sealed class BenchmarkEventStore : IAsyncDisposable
{
    private readonly Func<ValueTask> _cleanUp;

    private BenchmarkEventStore(IEventStore store, ICheckpointStore checkpoints, Func<ValueTask> cleanUp)
    {
        Store = store;
        Checkpoints = checkpoints;
        _cleanUp = cleanUp;
    }

    /// <summary>The store.</summary>
    public IEventStore Store { get; }

    /// <summary>The store's checkpoints.</summary>
    public ICheckpointStore Checkpoints { get; }

    /// <summary>A store under test; <paramref name="cleanUp"/> removes its data.</summary>
    public static BenchmarkEventStore For<TStore>(TStore store, Func<ValueTask> cleanUp)
        where TStore : IEventStore, ICheckpointStore =>
        new(store, store, cleanUp);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        await _cleanUp().ConfigureAwait(false);
    }
}
