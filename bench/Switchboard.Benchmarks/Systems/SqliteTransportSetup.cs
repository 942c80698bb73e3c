using Microsoft.Data.Sqlite;
using Switchboard.Configuration;
using Switchboard.Sqlite;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A fresh database file for each run, with the default (FULL) durability; removed afterwards.</summary>
public sealed class SqliteTransportSetup : ITransportSetup
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "switchboard-bench", Guid.NewGuid().ToString("N") + ".db");

    /// <summary>Chooses the file.</summary>
    public static ValueTask<ITransportSetup> CreateAsync(BenchmarkSettings settings, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ITransportSetup>(new SqliteTransportSetup());

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus) => bus.UseSqlite(new SqliteTransportOptions { Path = _path });

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }

        return ValueTask.CompletedTask;
    }
}
