using System.Runtime.InteropServices;

namespace Switchboard.Benchmarks.Scenarios.Ordered;

/// <summary>
/// Blocks the calling thread for a number of microseconds, where <see cref="Thread.Sleep(int)"/> counts milliseconds:
/// <c>nanosleep</c> on Linux and macOS (its own granularity is tens of microseconds); elsewhere a whole millisecond.
/// </summary>
internal static class PreciseSleep
{
    /// <summary>Sleeps about <paramref name="microseconds"/>.</summary>
    public static void For(long microseconds)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            Thread.Sleep(1);
            return;
        }

        var duration = new Timespec(microseconds / 1_000_000, microseconds % 1_000_000 * 1_000);
        _ = nanosleep(in duration, IntPtr.Zero);
    }

    [DllImport("libc", EntryPoint = "nanosleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int nanosleep(in Timespec duration, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);
}
