using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Tests;

/// <summary><see cref="SqliteApplicationDataSource"/>: an application's own tables in the store's file, beside a writer.</summary>
public sealed class ApplicationDataSourceTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sb-appdata-");

    [Fact]
    public async Task A_write_waits_for_the_files_other_writer_instead_of_failing()
    {
        var path = Path.Combine(_directory.FullName, "app.db");
        var dataSource = SqliteApplicationDataSource.Create(path);
        await using (var setup = await dataSource.OpenConnectionAsync())
        {
            await using var create = setup.CreateCommand();
            create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE app_things (id INTEGER PRIMARY KEY)";
            await create.ExecuteNonQueryAsync();
        }

        // Another connection holds the file's write lock for a while; without the data source's timeout the insert
        // below would fail at once with SQLITE_BUSY ("database is locked").
        await using var holder = new SqliteConnection($"Data Source={path}");
        await holder.OpenAsync();
        var held = holder.BeginTransaction();
        await using (var insertHeld = holder.CreateCommand())
        {
            insertHeld.CommandText = "INSERT INTO app_things VALUES (1)";
            await insertHeld.ExecuteNonQueryAsync();
        }

        var release = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            held.Commit();
        });
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO app_things VALUES (2)";
        var waiting = Task.Run(() => insert.ExecuteNonQueryAsync());
        await release;
        held.Dispose();
        Assert.Equal(1, await waiting);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM app_things";
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
