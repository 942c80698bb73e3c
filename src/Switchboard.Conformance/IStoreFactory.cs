using Switchboard.Configuration;
using Switchboard.Persistence;

namespace Switchboard.Conformance;

/// <summary>
/// What a store provides to run the store conformance suites: a fresh, isolated store per test (a new in-memory
/// store, a new SQLite file, a new PostgreSQL schema), and the transport its buses run on in the suites.
/// </summary>
public interface IStoreFactory
{
    /// <summary>Creates an isolated store for one test.</summary>
    ValueTask<IStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// One test's store. A store with a database also implements <see cref="ITestDatabase"/>, for the suites of handlers'
/// own SQL.
/// </summary>
public interface IStoreScope : IAsyncDisposable
{
    /// <summary>Points a bus at this store and at the transport the suites pair it with (e.g. a fresh in-memory network).</summary>
    void Configure(SwitchboardBuilder builder, StoreOptions options);

    /// <summary>A store instance on the same data, for tests below the bus. The caller disposes it and initializes it first.</summary>
    IMessageStore CreateStore();
}
