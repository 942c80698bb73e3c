using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Tests;

/// <summary>Throwaway database files under the temp folder.</summary>
public static class TestDatabase
{
    public static string NewPath()
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchboard-tests");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db");
    }

    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Still open somewhere; the temp folder is cleaned eventually.
            }
        }
    }
}
