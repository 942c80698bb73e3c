using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// Runs handlers' <see cref="StoreWrite"/>s and projections' statements on the writer's connection. The same few
/// statements come back for every message or event, so each SQL text is prepared once and kept, up to a bound: beyond
/// it (a handler that builds its SQL text per message) statements are prepared per use, so the cache cannot grow
/// without limit.
/// </summary>
/// <remarks>
/// A text that is one <c>INSERT</c>, <c>UPDATE</c> or <c>DELETE</c> with parameters <c>@p0</c>, <c>@p1</c>, … runs as a
/// <see cref="RawStatement"/>, bound by index, whenever its values are text, integers, booleans or nulls: the types
/// whose binding Microsoft.Data.Sqlite leaves as they are. Everything else (several statements in one text, a
/// statement that returns rows, other parameter names, a <see cref="decimal"/>, <see cref="Guid"/> or date) goes
/// through a kept <see cref="SqliteCommand"/>, with Microsoft.Data.Sqlite's conversions and errors. Through the command,
/// every run cost a data reader, a binder per parameter and the parameters' names looked up again, on the writer's
/// thread, which every unit of work waits for.
/// </remarks>
internal sealed class HandlerStatements(SqliteConnection connection) : IDisposable
{
    private const int MaxKept = 256;
    private readonly Dictionary<string, Statement> _kept = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="write"/> in <paramref name="transaction"/> and checks its row count.</summary>
    public void Run(SqliteTransaction transaction, StoreWrite write) =>
        write.Check(Execute(transaction, write.Sql, write.Parameters));

    /// <summary>Runs <paramref name="sql"/> in <paramref name="transaction"/> with <c>@p0</c>, <c>@p1</c>, … bound to <paramref name="parameters"/>; returns the rows it changed.</summary>
    public int Execute(SqliteTransaction transaction, string sql, object?[] parameters)
    {
        if (_kept.TryGetValue(sql, out var kept))
        {
            return Execute(kept, transaction, parameters);
        }

        var statement = new Statement(connection, sql);
        if (_kept.Count < MaxKept)
        {
            _kept[sql] = statement;
            return Execute(statement, transaction, parameters);
        }

        using (statement)
        {
            return Execute(statement, transaction, parameters);
        }
    }

    /// <summary>How many runs went the raw way (for tests).</summary>
    internal int RawRuns { get; private set; }

    public void Dispose()
    {
        foreach (var statement in _kept.Values)
        {
            statement.Dispose();
        }

        _kept.Clear();
    }

    private int Execute(Statement statement, SqliteTransaction transaction, object?[] parameters)
    {
        if (statement.TryExecuteRaw(parameters, out var rows))
        {
            RawRuns++;
            return rows;
        }

        return statement.ExecuteCommand(transaction, parameters);
    }

    /// <summary>One SQL text: raw when it qualifies (see the remarks on the class), else, or for values it cannot bind, a command.</summary>
    private sealed class Statement : IDisposable
    {
        private static readonly object Missing = new();

        private readonly SqliteConnection _connection;
        private readonly string _sql;
        private readonly RawStatement? _raw;

        // For each of the raw statement's parameters (SQLite numbers them from 1), which value it takes.
        private readonly int[] _values = [];
        private SqliteCommand? _command;

        public Statement(SqliteConnection connection, string sql)
        {
            _connection = connection;
            _sql = sql;
            if (!IsWrite(sql))
            {
                return;
            }

            var raw = new RawStatement(connection, sql, out var tail);
            var values = raw.IsEmpty ? null : ValueIndexes(raw);
            if (values is null || !string.IsNullOrWhiteSpace(tail) || raw.ColumnCount != 0 || raw.IsReadOnly)
            {
                raw.Dispose();
                return;
            }

            _raw = raw;
            _values = values;
        }

        // Outside a transaction (SQLite rolled it back on its own), the command refuses to run, as it must: the raw
        // statement would commit on its own.
        public bool TryExecuteRaw(object?[] parameters, out int rows)
        {
            rows = _raw is not null && !_raw.OutsideTransaction && TryBind(_raw, parameters) ? _raw.Execute() : -1;
            return rows >= 0;
        }

        public void Dispose()
        {
            _raw?.Dispose();
            _command?.Dispose();
        }

        // The statements Microsoft.Data.Sqlite reports the changed rows of as SQLite counts them (a CREATE or a
        // PRAGMA would report whatever the statement before it changed).
        private static bool IsWrite(string sql)
        {
            var text = sql.AsSpan().TrimStart();
            return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
        }

        // Null when a parameter is not one of @p0, @p1, … as PositionalCommand names them (a $p0 or @p01 the command
        // would not bind, and reports).
        private static int[]? ValueIndexes(RawStatement raw)
        {
            var values = new int[raw.ParameterCount];
            for (var i = 0; i < values.Length; i++)
            {
                var name = raw.ParameterName(i + 1);
                if (name is null
                    || !name.StartsWith("@p", StringComparison.Ordinal)
                    || !int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out values[i])
                    || name != PositionalCommand.ParameterName(values[i]))
                {
                    return null;
                }
            }

            return values;
        }

        private bool TryBind(RawStatement raw, object?[] parameters)
        {
            for (var i = 0; i < _values.Length; i++)
            {
                var index = i + 1;
                var value = (uint)_values[i] < (uint)parameters.Length ? parameters[_values[i]] : Missing;
                switch (value)
                {
                    case null or DBNull:
                        raw.BindNull(index);
                        break;
                    case string text:
                        raw.Bind(index, text);
                        break;
                    case long or int or short or byte:
                        raw.Bind(index, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                        break;
                    case bool flag:
                        raw.Bind(index, flag ? 1L : 0L);
                        break;
                    default:
                        // A value the command converts (or a parameter nobody gave, which the command reports).
                        return false;
                }
            }

            return true;
        }

        public int ExecuteCommand(SqliteTransaction transaction, object?[] parameters)
        {
            _command ??= CreateCommand();
            _command.Transaction = transaction;
            _command.Parameters.Clear();
            for (var index = 0; index < parameters.Length; index++)
            {
                _command.Parameters.AddWithValue(PositionalCommand.ParameterName(index), parameters[index] ?? DBNull.Value);
            }

            return _command.ExecuteNonQuery();
        }

        private SqliteCommand CreateCommand()
        {
            var command = _connection.CreateCommand();
            command.CommandText = _sql;
            return command;
        }
    }
}
