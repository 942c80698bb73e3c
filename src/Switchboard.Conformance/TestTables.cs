using System.Data.Common;

namespace Switchboard.Conformance;

/// <summary>
/// <see cref="ITestDatabase"/>'s table over an ADO.NET data source: a provider's test database passes the data source
/// an application reaches its own tables through (<c>SqliteApplicationDataSource</c>, <c>PostgreSqlApplicationDataSource</c>),
/// so the suites that write the table in units of work also show that the application finds those rows there.
/// </summary>
public static class TestTables
{
    /// <summary>Creates <c>{name}(id TEXT PRIMARY KEY, value BIGINT NOT NULL)</c>, its name unqualified, unless it exists.</summary>
    public static async ValueTask CreateAsync(DbDataSource dataSource, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand($"CREATE TABLE IF NOT EXISTS {name} (id TEXT PRIMARY KEY, value BIGINT NOT NULL)");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The table's committed rows, id to value.</summary>
    public static async ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(DbDataSource dataSource, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand($"SELECT id, value FROM {name}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }
}
