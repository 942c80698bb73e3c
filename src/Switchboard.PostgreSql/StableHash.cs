namespace Switchboard.PostgreSql;

/// <summary>
/// A stable 64-bit hash (FNV-1a over UTF-16 code units) for names that every process must derive alike: advisory
/// lock keys and notification channels. <c>string.GetHashCode</c> is randomized per process, so it cannot serve.
/// </summary>
internal static class StableHash
{
    public static ulong Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
