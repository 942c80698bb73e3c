using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// A statement of a hot path (the writer's, and the reads that run for nearly every message) prepared once on its
/// connection and bound by index (<c>?1</c>, <c>?2</c>, …): through <see cref="SqliteCommand"/> every run paid for a
/// data reader and new parameters bound by name. It runs in whatever transaction the connection has open, which on
/// the writer is the batch's.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
        : this(connection, sql, out _)
    {
    }

    /// <summary>Prepares the first statement of <paramref name="sql"/>; <paramref name="tail"/> is the text after it.</summary>
    public RawStatement(SqliteConnection connection, string sql, out string tail)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement, out tail);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Whether the text held no statement at all (only blanks or comments).</summary>
    public bool IsEmpty => _statement is null || _statement.IsInvalid;

    /// <summary>How many parameters the statement has (the highest index, as SQLite numbers them).</summary>
    public int ParameterCount => raw.sqlite3_bind_parameter_count(_statement);

    /// <summary>The name of parameter <paramref name="index"/> (from 1) with its prefix (<c>@p0</c>), or null for a nameless <c>?</c>.</summary>
    public string? ParameterName(int index) => raw.sqlite3_bind_parameter_name(_statement, index).utf8_to_string();

    /// <summary>How many columns a row of the statement's result has (0 for a statement that returns none).</summary>
    public int ColumnCount => raw.sqlite3_column_count(_statement);

    /// <summary>Whether the connection has no transaction open (so the statement would commit on its own).</summary>
    public bool OutsideTransaction => raw.sqlite3_get_autocommit(_db) != 0;

    /// <summary>Whether the statement leaves the database as it is.</summary>
    public bool IsReadOnly => raw.sqlite3_stmt_readonly(_statement) != 0;

    public RawStatement BindNull(int index)
    {
        Check(raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    public RawStatement Bind(int index, string value)
    {
        Check(raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    public RawStatement BindOrNull(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
        }
        else
        {
            Check(raw.sqlite3_bind_text(_statement, index, value));
        }

        return this;
    }

    public RawStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    public RawStatement BindOrNull(int index, long? value)
    {
        if (value is { } number)
        {
            Check(raw.sqlite3_bind_int64(_statement, index, number));
        }
        else
        {
            Check(raw.sqlite3_bind_null(_statement, index));
        }

        return this;
    }

    /// <summary>Binds a blob; an empty one binds a zero-length blob, not NULL.</summary>
    public RawStatement Bind(int index, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            Check(raw.sqlite3_bind_zeroblob(_statement, index, 0));
        }
        else
        {
            Check(raw.sqlite3_bind_blob(_statement, index, value));
        }

        return this;
    }

    /// <summary>
    /// Runs the statement and returns the rows it changed; a failure throws <see cref="SqliteException"/> with the
    /// primary code (and the extended one in <see cref="SqliteException.SqliteExtendedErrorCode"/>).
    /// </summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                // The primary code, as the writer's retry filter expects.
                SqliteException.ThrowExceptionForRC(rc & 0xFF, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>
    /// Runs a query and returns its first row as <paramref name="read"/> makes it (read with <see cref="Int64"/>,
    /// <see cref="Text(int)"/> and <see cref="Blob"/>), or <paramref name="none"/> when there is no row.
    /// </summary>
    public T QueryFirst<T>(Func<RawStatement, T> read, T none)
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return read(this);
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc & 0xFF, _db);
            }

            return none;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>
    /// Runs a query and calls <paramref name="row"/> for each row it returns (for an <c>UPDATE … RETURNING</c>, after
    /// SQLite made all its changes in the first step).
    /// </summary>
    public void ForEachRow<TState>(TState state, Action<RawStatement, TState> row)
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                row(this, state);
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc & 0xFF, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Whether column <paramref name="column"/> (from 0) of the current row is NULL.</summary>
    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    /// <summary>Column <paramref name="column"/> (from 0) of the current row as an integer.</summary>
    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>Column <paramref name="column"/> (from 0) of the current row as text.</summary>
    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>
    /// Column <paramref name="column"/> as text, or <paramref name="previous"/> itself when it is the same text: rows
    /// that repeat a value (a message type, a content type) share one string.
    /// </summary>
    public string Text(int column, string previous) => Utf8Text.Reuse(raw.sqlite3_column_blob(_statement, column), previous);

    /// <summary>Column <paramref name="column"/> (from 0) of the current row as bytes.</summary>
    public byte[] Blob(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    /// <summary>The rowid of the last row inserted on the connection.</summary>
    public long LastInsertRowid => raw.sqlite3_last_insert_rowid(_db);

    public void Dispose() => _statement?.Dispose();

    // A value SQLite refuses (longer than its limit) fails the bind; the statement must not run with NULL instead.
    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
