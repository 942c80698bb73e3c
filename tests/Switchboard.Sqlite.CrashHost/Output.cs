namespace Switchboard.Sqlite.CrashHost;

/// <summary>Writes whole lines to stdout and flushes each, so a line the test reads was written before any kill.</summary>
internal static class Output
{
    private static readonly Lock Gate = new();

    public static void Line(string line)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
