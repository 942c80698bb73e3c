using Microsoft.Data.Sqlite;
using Switchboard.Persistence;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// Runs handlers' <see cref="StoreWrite"/>s and projections' statements on the writer's connection. The same few
/// statements come back for every message or event, so each SQL text is prepared once and kept, up to a bound: beyond
/// it (a handler that builds its SQL text per message) statements are prepared per use, so the cache cannot grow
/// without limit.
/// </summary>
internal sealed class HandlerStatements(SqliteConnection connection) : IDisposable
{
    private const int MaxKept = 256;
    private readonly Dictionary<string, SqliteCommand> _kept = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="write"/> in <paramref name="transaction"/> and checks its row count.</summary>
    public void Run(SqliteTransaction transaction, StoreWrite write) =>
        write.Check(Execute(transaction, write.Sql, write.Parameters));

    /// <summary>Runs <paramref name="sql"/> in <paramref name="transaction"/> with <c>@p0</c>, <c>@p1</c>, … bound to <paramref name="parameters"/>; returns the rows it changed.</summary>
    public int Execute(SqliteTransaction transaction, string sql, object?[] parameters)
    {
        var kept = _kept.TryGetValue(sql, out var command);
        if (!kept)
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            if (_kept.Count < MaxKept)
            {
                _kept[sql] = command;
                kept = true;
            }
        }

        try
        {
            command!.Transaction = transaction;
            command.Parameters.Clear();
            for (var index = 0; index < parameters.Length; index++)
            {
                command.Parameters.AddWithValue(PositionalCommand.ParameterName(index), parameters[index] ?? DBNull.Value);
            }

            return command.ExecuteNonQuery();
        }
        finally
        {
            if (!kept)
            {
                command!.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var command in _kept.Values)
        {
            command.Dispose();
        }

        _kept.Clear();
    }
}
