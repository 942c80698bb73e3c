using Switchboard.EventSourcing;
using Switchboard.Persistence;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// A read model's SQL in an event store transaction, for stores with a database (<see cref="ISqlEventStore"/>,
/// <see cref="ITestDatabase"/>): rows written through <see cref="ISqlEventStoreTransaction.Connection"/> commit and roll
/// back with the appended events and the checkpoint, and the transaction reads its own. A store without SQL (in
/// memory) is no <see cref="ISqlEventStore"/>, and its test project does not derive this suite.
/// </summary>
public abstract class TransactionSqlSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>The test store's database, where the read model's tables live.</summary>
    protected ITestDatabase Database => TestDatabases.Of(Scope, typeof(TFactory));

    /// <summary>
    /// A read model's row written through the transaction's connection commits together with the
    /// checkpoint and the appended events, and rolls back together with them (disposed without commit, or after a
    /// refused append).
    /// </summary>
    [Fact]
    public async Task A_read_model_row_commits_and_rolls_back_with_the_checkpoint_with_a_database()
    {
        const string table = "event_suite_read_model";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();
        var other = await OpenStoreAsync();
        var stream = NewStreamId();

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await InsertRowAsync(transaction, table, "committed", 1);
            await transaction.AppendAsync(stream, ExpectedVersion.NoStream, [NewEvent(1)]);
            await transaction.SaveCheckpointAsync("read-model", 1);
            await transaction.CommitAsync();
        }

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await InsertRowAsync(transaction, table, "rolled-back", 2);
            await transaction.AppendAsync(stream, ExpectedVersion.Exact(1), [NewEvent(2)]);
            await transaction.SaveCheckpointAsync("read-model", 2);
        }

        var refused = await OutcomeAsync(async () =>
        {
            await using var transaction = await store.BeginTransactionAsync();
            await InsertRowAsync(transaction, table, "refused", 3);
            await transaction.SaveCheckpointAsync("read-model", 3);
            await transaction.AppendAsync(stream, ExpectedVersion.NoStream, [NewEvent(3)]);
            await transaction.CommitAsync();
        });

        Assert.IsType<WrongExpectedVersionException>(refused);
        Assert.Equal(new Dictionary<string, long> { ["committed"] = 1 }, await Database.ReadTestTableAsync(table));
        Assert.Equal(1, await Checkpoints(other).LoadCheckpointAsync("read-model"));
        Assert.Equal(1, await other.GetStreamVersionAsync(stream));
        Assert.Single(await ReadAllAsync(other));
    }

    /// <summary>The transaction's connection reads its own uncommitted row (it is one transaction).</summary>
    [Fact]
    public async Task The_transaction_connection_sees_its_own_rows_with_a_database()
    {
        const string table = "event_suite_own_rows";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();

        await using var transaction = await store.BeginTransactionAsync();
        await InsertRowAsync(transaction, table, "mine", 7);

        Assert.Equal(7L, Convert.ToInt64(await ScalarAsync(transaction, $"SELECT value FROM {table} WHERE id = @p0", "mine"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(await Database.ReadTestTableAsync(table));
    }

    /// <summary>A new, initialized store instance (see <see cref="EventStoreSuite{TFactory}.OpenStoreAsync"/>), with SQL in its transactions.</summary>
    private async Task<ISqlEventStore> OpenSqlStoreAsync() => Assert.IsAssignableFrom<ISqlEventStore>(await OpenStoreAsync());

    /// <summary>Inserts <c>(id, value)</c> into a test table through the transaction's connection; <paramref name="table"/> is a test constant.</summary>
    private static async Task InsertRowAsync(ISqlEventStoreTransaction transaction, string table, string id, long value)
    {
        var command = PositionalCommand.Create(transaction.Connection, transaction.Transaction, $"INSERT INTO {table} (id, value) VALUES (@p0, @p1)", id, value);
        await using (command.ConfigureAwait(false))
        {
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
    }

    private static async Task<object?> ScalarAsync(ISqlEventStoreTransaction transaction, string sql, string id)
    {
        var command = PositionalCommand.Create(transaction.Connection, transaction.Transaction, sql, id);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync();
        }
    }
}
