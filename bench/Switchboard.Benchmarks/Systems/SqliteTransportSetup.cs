using Microsoft.Data.Sqlite;
using Switchboard.Configuration;
using Switchboard.Sqlite;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// A fresh database file for each run, with the default (FULL) durability; removed afterwards. A scenario that keeps
/// state gets the SQLite store in the same file, so that a unit of work's messages join its transaction.
/// </summary>
public sealed class SqliteTransportSetup : ITransportSetup, IHasWriteAheadLog
{
    private readonly SqliteTransportOptions _options = new()
    {
        Path = Path.Combine(Path.GetTempPath(), "switchboard-bench", Guid.NewGuid().ToString("N") + ".db"),
    };

    /// <summary>Chooses the file.</summary>
    public static ValueTask<ITransportSetup> CreateAsync(BenchmarkSettings settings, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ITransportSetup>(new SqliteTransportSetup());

    /// <inheritdoc />
    public WriteAheadLog WriteAheadLog => new(_options.Path + "-wal", _options.WalTruncateThreshold);

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus) => bus.UseSqlite(_options);

    /// <inheritdoc />
    public void ConfigureStore(SwitchboardBuilder bus) => bus.UseSqliteStore();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _options.Path, _options.Path + "-wal", _options.Path + "-shm" })
        {
            File.Delete(file);
        }

        return ValueTask.CompletedTask;
    }
}
