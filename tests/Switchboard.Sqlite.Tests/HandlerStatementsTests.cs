using Microsoft.Data.Sqlite;
using Switchboard.Persistence;
using Switchboard.Sqlite.Store;

namespace Switchboard.Sqlite.Tests;

/// <summary>
/// Handlers' and projections' statements on the writer (<see cref="HandlerStatements"/>): whichever way a text runs
/// (raw, or through a command), it stores what Microsoft.Data.Sqlite stores, reports the rows it changed, and fails
/// where Microsoft.Data.Sqlite fails.
/// </summary>
public sealed class HandlerStatementsTests : IDisposable
{
    private readonly string _path = TestDatabase.NewPath();
    private readonly SqliteConnection _connection;
    private readonly HandlerStatements _statements;

    public HandlerStatementsTests()
    {
        _connection = new SqliteConnection($"Data Source={_path}");
        _connection.Open();
        Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v ANY) STRICT; CREATE TABLE expected (id INTEGER PRIMARY KEY, v ANY) STRICT");
        _statements = new HandlerStatements(_connection);
    }

    public static TheoryData<object?> Values => new()
    {
        null,
        "text",
        string.Empty,
        "ünïcödé ✓",
        42L,
        long.MinValue,
        7,
        (short)-3,
        (byte)255,
        true,
        false,
        12.5m,
        0.25,
        Guid.Parse("0b6f3a34-5d0e-4e8a-9f0e-2f1f5e9c6a11"),
        new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.FromHours(1)),
        new byte[] { 1, 2, 3 },
        'c',
        (sbyte)-1,
        4_000_000_000u,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void A_value_is_stored_as_Microsoft_Data_Sqlite_stores_it(object? value)
    {
        using (var transaction = _connection.BeginTransaction())
        {
            Assert.Equal(1, _statements.Execute(transaction, "INSERT INTO t (id, v) VALUES (@p0, @p1)", [1L, value]));
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO expected (id, v) VALUES (@p0, @p1)";
            command.Parameters.AddWithValue("@p0", 1L);
            command.Parameters.AddWithValue("@p1", value ?? DBNull.Value);
            command.ExecuteNonQuery();
            transaction.Commit();
        }

        Assert.Equal(Scalar("SELECT typeof(v) || ':' || quote(v) FROM expected"), Scalar("SELECT typeof(v) || ':' || quote(v) FROM t"));
        Assert.Equal(value is null or string or long or int or short or byte or bool ? 1 : 0, _statements.RawRuns);
    }

    [Fact]
    public void Rows_changed_are_counted_as_SQLite_counts_them()
    {
        using var transaction = _connection.BeginTransaction();
        const string Insert = "INSERT INTO t (id, v) VALUES (@p0, @p1) ON CONFLICT (id) DO NOTHING";
        Assert.Equal(1, _statements.Execute(transaction, Insert, [1L, "a"]));
        Assert.Equal(0, _statements.Execute(transaction, Insert, [1L, "b"]));
        Assert.Equal(1, _statements.Execute(transaction, Insert, [2L, "b"]));
        Assert.Equal(2, _statements.Execute(transaction, "UPDATE t SET v = @p0 WHERE id > @p1", ["c", 0]));
        Assert.Equal(0, _statements.Execute(transaction, "DELETE FROM t WHERE id = @p0", [9L]));
        Assert.Equal(1, _statements.Execute(transaction, "  delete from t where id = @p0", [1L]));
        Assert.Equal(1, _statements.Execute(transaction, "UPDATE t SET v = @p0 WHERE id = @p0 - 1 RETURNING id", [3L]));
        Assert.Equal(6, _statements.RawRuns); // all but the RETURNING one, which the command runs
    }

    [Fact]
    public void A_value_reused_in_a_statement_binds_everywhere_and_unused_values_are_ignored()
    {
        using var transaction = _connection.BeginTransaction();
        Assert.Equal(1, _statements.Execute(transaction, "INSERT INTO t (id, v) VALUES (@p1, @p1 + @p1)", ["unused", 4L]));
        Assert.Equal(8L, Scalar("SELECT v FROM t WHERE id = 4", transaction));
    }

    [Fact]
    public void Several_statements_in_one_text_all_run()
    {
        using var transaction = _connection.BeginTransaction();
        Assert.Equal(2, _statements.Execute(transaction, "INSERT INTO t (id, v) VALUES (@p0, 'a'); INSERT INTO t (id, v) VALUES (@p0 + 1, 'b')", [1L]));
        Assert.Equal(2L, Scalar("SELECT count(*) FROM t", transaction));
    }

    [Fact]
    public void Schema_statements_still_run()
    {
        using var transaction = _connection.BeginTransaction();
        _statements.Execute(transaction, "CREATE TABLE IF NOT EXISTS other (id INTEGER PRIMARY KEY)", []);
        Assert.Equal(1, _statements.Execute(transaction, "INSERT INTO other (id) VALUES (@p0)", [1L]));
    }

    [Theory]
    [InlineData("INSERT INTO t (id, v) VALUES (@p0, @p1)")] // @p1 not given
    [InlineData("INSERT INTO t (id, v) VALUES ($p0, 'x')")] // not a name the command binds
    [InlineData("INSERT INTO t (id, v) VALUES (@p00, 'x')")]
    public void A_parameter_nobody_gave_fails_as_Microsoft_Data_Sqlite_fails(string sql)
    {
        using var transaction = _connection.BeginTransaction();
        var expected = Assert.Throws<InvalidOperationException>(() => Command(sql, transaction, 1L).ExecuteNonQuery());
        var actual = Assert.Throws<InvalidOperationException>(() => _statements.Execute(transaction, sql, [1L]));
        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void A_constraint_failure_throws_and_the_statement_runs_again_afterwards()
    {
        using var transaction = _connection.BeginTransaction();
        const string Insert = "INSERT INTO t (id, v) VALUES (@p0, @p1)";
        _statements.Execute(transaction, Insert, [1L, "a"]);
        var failure = Assert.Throws<SqliteException>(() => _statements.Execute(transaction, Insert, [1L, "b"]));
        Assert.Equal(19, failure.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(1555, failure.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_PRIMARYKEY
        Assert.Equal(1, _statements.Execute(transaction, Insert, [2L, "b"]));
    }

    [Fact]
    public void After_SQLite_rolled_the_transaction_back_a_write_refuses_to_run_as_Microsoft_Data_Sqlite_does()
    {
        Execute("CREATE TRIGGER t_refuses BEFORE INSERT ON t WHEN NEW.v = 'refused' BEGIN SELECT RAISE(ROLLBACK, 'refused'); END");
        const string Insert = "INSERT INTO t (id, v) VALUES (@p0, @p1)";
        using (var transaction = _connection.BeginTransaction())
        {
            _statements.Execute(transaction, Insert, [1L, "kept"]);
            Assert.Throws<SqliteException>(() => _statements.Execute(transaction, Insert, [2L, "refused"]));

            // Outside any transaction now: running would commit on its own.
            Assert.Throws<InvalidOperationException>(() => _statements.Execute(transaction, Insert, [3L, "after"]));
        }

        Assert.Equal(0L, Scalar("SELECT count(*) FROM t"));
    }

    [Fact]
    public void A_store_write_checks_its_expected_rows()
    {
        using var transaction = _connection.BeginTransaction();
        _statements.Run(transaction, new StoreWrite("INSERT INTO t (id, v) VALUES (@p0, @p1)", 1L, "a") { ExpectedRows = 1 });
        Assert.Throws<ConcurrencyConflictException>(() =>
            _statements.Run(transaction, new StoreWrite("UPDATE t SET v = @p1 WHERE id = @p0", 2L, "b") { ExpectedRows = 1 }));
    }

    public void Dispose()
    {
        _statements.Dispose();
        _connection.Dispose();
        TestDatabase.Delete(_path);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(sql, transaction);
        return command.ExecuteScalar();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction, params object[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue(PositionalCommand.ParameterName(i), parameters[i]);
        }

        return command;
    }
}
