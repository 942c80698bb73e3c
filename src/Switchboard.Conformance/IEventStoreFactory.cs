using Switchboard.EventSourcing;

namespace Switchboard.Conformance;

/// <summary>
/// What an event store provides to run the event store conformance suite: a fresh, isolated store per test (a new
/// in-memory store, a new SQLite file, a new PostgreSQL schema).
/// </summary>
public interface IEventStoreFactory
{
    /// <summary>Creates an isolated store for one test.</summary>
    ValueTask<IEventStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// One test's event store. A store with a database also implements <see cref="ITestDatabase"/>, for the suites of
/// read-model SQL in its transactions.
/// </summary>
public interface IEventStoreScope : IAsyncDisposable
{
    /// <summary>
    /// A store instance on the scope's data: each call is another "process" looking at the same store (for the
    /// in-memory store, the same instance). The caller initializes and disposes it.
    /// </summary>
    IEventStore CreateStore();

    /// <summary>
    /// Whether an open <see cref="IEventStoreTransaction"/> holds every other writer back until it ends (SQLite,
    /// in-memory); false when writers commit concurrently and out of order (PostgreSQL).
    /// </summary>
    bool SingleWriter { get; }
}
