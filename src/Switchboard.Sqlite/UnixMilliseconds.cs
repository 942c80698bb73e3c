namespace Switchboard.Sqlite;

/// <summary>Moments as the transport stores them: Unix milliseconds.</summary>
internal static class UnixMilliseconds
{
    /// <summary>Now, rounded down: a message due now or earlier is visible.</summary>
    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A due time, rounded up to the next millisecond so that a message is never delivered early.</summary>
    public static long DueAt(DateTimeOffset at)
    {
        var milliseconds = at.ToUnixTimeMilliseconds();
        return at.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? milliseconds : milliseconds + 1;
    }
}
