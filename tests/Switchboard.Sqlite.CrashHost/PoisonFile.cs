using System.Globalization;

namespace Switchboard.Sqlite.CrashHost;

/// <summary>
/// consume --poison-file: the numbers the file lists (separated by white space) are poison while it exists. It is read
/// at every handling, so a test cures the poison, as a deployed fix would, by deleting the file before a re-drive.
/// </summary>
internal static class PoisonFile
{
    public static bool Lists(string? path, int number)
    {
        if (path is null)
        {
            return false;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains(number.ToString(CultureInfo.InvariantCulture));
    }
}
