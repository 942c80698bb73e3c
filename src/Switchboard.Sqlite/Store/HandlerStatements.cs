using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchboard.Persistence;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// Runs handlers' <see cref="StoreWrite"/>s on the writer's connection. The same few statements come back for every
/// message, so each SQL text is prepared once and kept, up to a bound: beyond it (a handler that builds its SQL text
/// per message) statements are prepared per use, so the cache cannot grow without limit.
/// </summary>
internal sealed class HandlerStatements(SqliteConnection connection) : IDisposable
{
    private const int MaxKept = 256;
    private static readonly string[] Names = Enumerable.Range(0, 32).Select(i => "@p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly Dictionary<string, SqliteCommand> _kept = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="write"/> in <paramref name="transaction"/> and checks its row count.</summary>
    public void Run(SqliteTransaction transaction, StoreWrite write)
    {
        var kept = _kept.TryGetValue(write.Sql, out var command);
        if (!kept)
        {
            command = connection.CreateCommand();
            command.CommandText = write.Sql;
            if (_kept.Count < MaxKept)
            {
                _kept[write.Sql] = command;
                kept = true;
            }
        }

        try
        {
            command!.Transaction = transaction;
            command.Parameters.Clear();
            for (var index = 0; index < write.Parameters.Length; index++)
            {
                var name = index < Names.Length ? Names[index] : "@p" + index.ToString(CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue(name, write.Parameters[index] ?? DBNull.Value);
            }

            write.Check(command.ExecuteNonQuery());
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
