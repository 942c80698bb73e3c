using Switchboard.EventSourcing;

namespace Switchboard.Testing;

/// <summary>
/// What an event store provides to run the event store conformance suite: a fresh, isolated store per test (a new
/// in-memory store, a new SQLite file, a new PostgreSQL schema).
/// </summary>
public interface IEventStoreFactory
{
    /// <summary>Creates an isolated store for one test.</summary>
    ValueTask<IEventStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default);
}

/// <summary>One test's event store.</summary>
public interface IEventStoreScope : IAsyncDisposable
{
    /// <summary>
    /// A store instance on the scope's data: each call is another "process" looking at the same store (for the
    /// in-memory store, the same instance). The caller initializes and disposes it.
    /// </summary>
    IEventStore CreateStore();

    /// <summary>
    /// Whether <see cref="IEventStoreTransaction.Connection"/> is a real database connection (false for the in-memory
    /// store): then the suite keeps read models in tables made by <see cref="CreateTestTableAsync"/>.
    /// </summary>
    bool HasDatabase { get; }

    /// <summary>
    /// Whether an open <see cref="IEventStoreTransaction"/> holds every other writer back until it ends (SQLite,
    /// in-memory); false when writers commit concurrently and out of order (PostgreSQL).
    /// </summary>
    bool SingleWriter { get; }

    /// <summary>Creates a table <c>{name}(id TEXT PRIMARY KEY, value BIGINT NOT NULL)</c> in the store's database; only called when <see cref="HasDatabase"/>.</summary>
    ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Rows of that table: id to value, read outside any transaction.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default);
}
