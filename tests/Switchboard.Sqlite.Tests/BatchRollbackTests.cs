using Microsoft.Data.Sqlite;
using Switchboard.Persistence;
using Switchboard.Sqlite.Store;

namespace Switchboard.Sqlite.Tests;

/// <summary>
/// A unit of work whose SQL makes SQLite roll the writer's whole transaction back (a trigger's <c>RAISE(ROLLBACK)</c>)
/// fails alone: the units of work that shared its batch commit, each once, and nothing runs outside a transaction.
/// </summary>
public sealed class BatchRollbackTests : IAsyncLifetime
{
    private const string Table = "batch_rollback";
    private readonly string _path = TestDatabase.NewPath();
    private SqliteMessageStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteMessageStore(new SqliteTransportOptions { Path = _path });
        await _store.InitializeAsync();
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE {Table} (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
            CREATE TRIGGER {Table}_refuses BEFORE INSERT ON {Table} WHEN NEW.value = 'refused' BEGIN SELECT RAISE(ROLLBACK, 'refused'); END;
            """;
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TestDatabase.Delete(_path);
    }

    [Fact]
    public async Task A_write_that_rolls_the_batch_back_fails_alone_and_the_others_commit_once()
    {
        const int Units = 40;
        const int Refused = 17;
        var transactions = new List<ISqlStoreTransaction>();
        for (var i = 0; i < Units; i++)
        {
            var transaction = (ISqlStoreTransaction)await _store.BeginAsync();
            Assert.True(await transaction.TryRecordHandledAsync("batch", $"m-{i}"));
            await transaction.EnlistWriteAsync(new StoreWrite($"INSERT INTO {Table} (id, value) VALUES (@p0, @p1)", (long)i, i == Refused ? "refused" : "kept"));
            transactions.Add(transaction);
        }

        // Committed at once, so that the writer takes them in few batches, the refused one among the others.
        var commits = transactions.Select(t => Task.Run(async () => await t.CommitAsync())).ToArray();
        var outcome = await Task.WhenAll(commits.Select(async c =>
        {
            try
            {
                await c;
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }));

        foreach (var transaction in transactions)
        {
            await transaction.DisposeAsync();
        }

        var refused = Assert.IsType<SqliteException>(outcome[Refused]);
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
        Assert.All(outcome.Where((_, i) => i != Refused), Assert.Null);
        Assert.Equal(Enumerable.Range(0, Units).Where(i => i != Refused).Select(i => (long)i), await IdsAsync());
        for (var i = 0; i < Units; i++)
        {
            Assert.Equal(i != Refused, await _store.WasHandledAsync("batch", $"m-{i}"));
        }
    }

    private async Task<List<long>> IdsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM {Table} ORDER BY id";
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
