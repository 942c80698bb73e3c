using Switchboard.Conformance;

namespace Switchboard.Sqlite.Tests.Conformance;

/// <summary>The conformance suites' test table in a store's file, made through the data source an application uses for its own tables.</summary>
internal static class SqliteTestTables
{
    public static async ValueTask CreateAsync(string path, string name, CancellationToken cancellationToken)
    {
        var tables = SqliteApplicationDataSource.Create(path);

        // WAL first, as a store sets it: the table may be made before any store opened the file.
        await using (var wal = tables.CreateCommand("PRAGMA journal_mode = WAL"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await TestTables.CreateAsync(tables, name, cancellationToken);
    }

    public static ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(string path, string name, CancellationToken cancellationToken) =>
        TestTables.ReadAsync(SqliteApplicationDataSource.Create(path), name, cancellationToken);
}
