using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Tests.Crash;

/// <summary>Looks into the transport's file from the test process, as an operator would after a crash.</summary>
public static class CrashDatabase
{
    /// <summary>The result of <c>PRAGMA integrity_check</c>: "ok", or the problems found, one a line.</summary>
    public static string IntegrityCheck(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join(Environment.NewLine, rows);
    }

    /// <summary>Messages of the queue still in the file: ready, leased or scheduled.</summary>
    public static long Remaining(string path, string queue)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sb_messages WHERE queue = $queue";
        command.Parameters.AddWithValue("$queue", queue);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Messages of the queue claimed under a lease that no settlement has released yet.</summary>
    public static long Leased(string path, string queue)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sb_messages WHERE queue = $queue AND lease IS NOT NULL";
        command.Parameters.AddWithValue("$queue", queue);
        return (long)command.ExecuteScalar()!;
    }

    // Not pooled: nothing of the test may keep the file open, and every look starts from what is on disk.
    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }
}
