using Switchboard.Configuration;
using Switchboard.Persistence;

namespace Switchboard.Testing;

/// <summary>
/// What a store provides to run the store conformance suites: a fresh, isolated store per test (a new in-memory
/// store, a new SQLite file, a new PostgreSQL schema), and the transport its buses run on in the suites.
/// </summary>
public interface IStoreFactory
{
    /// <summary>Creates an isolated store for one test.</summary>
    ValueTask<IStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default);
}

/// <summary>One test's store.</summary>
public interface IStoreScope : IAsyncDisposable
{
    /// <summary>
    /// Whether handlers get a database transaction (<see cref="IUnitOfWork.GetDbTransactionAsync"/>); false for the
    /// in-memory store.
    /// </summary>
    bool HasDatabase { get; }

    /// <summary>Points a bus at this store and at the transport the suites pair it with (e.g. a fresh in-memory network).</summary>
    void Configure(SwitchboardBuilder builder, StoreOptions options);

    /// <summary>A store instance on the same data, for tests below the bus. The caller disposes it and initializes it first.</summary>
    IMessageStore CreateStore();

    /// <summary>
    /// Creates a table <c>{name}(id TEXT PRIMARY KEY, value BIGINT NOT NULL)</c> on the store's database (for
    /// tests of handlers' own changes); only called when <see cref="HasDatabase"/>.
    /// </summary>
    ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Rows of that table: id to value.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default);
}
