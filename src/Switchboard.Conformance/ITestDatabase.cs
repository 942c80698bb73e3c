namespace Switchboard.Conformance;

/// <summary>
/// The database of a test's store or event store, for the suites that run SQL of their own in the store's
/// transactions (handlers' tables, read models). A scope with a database implements it besides
/// <see cref="IStoreScope"/> or <see cref="IEventStoreScope"/>; a store without one (in memory) does not, and its test
/// project does not derive those suites.
/// </summary>
public interface ITestDatabase
{
    /// <summary>
    /// Creates a table <c>{name}(id TEXT PRIMARY KEY, value BIGINT NOT NULL)</c> where SQL on the store's transactions
    /// finds it by its unqualified name.
    /// </summary>
    ValueTask CreateTestTableAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Rows of that table, id to value, read outside any transaction (so only committed ones).</summary>
    ValueTask<IReadOnlyDictionary<string, long>> ReadTestTableAsync(string name, CancellationToken cancellationToken = default);
}
