using System.Text;

namespace Switchboard.Sqlite;

/// <summary>Text read from SQLite as UTF-8 bytes (<c>sqlite3_column_blob</c> on a text column does not convert it).</summary>
internal static class Utf8Text
{
    // Longer values (a stream id is at most 200 characters) are decoded every time.
    private const int MaxCompared = 600;

    /// <summary>
    /// <paramref name="previous"/> itself when <paramref name="utf8"/> is the same text, otherwise the text decoded:
    /// consecutive rows that repeat a value (a stream id, an event or message type) share one string.
    /// </summary>
    public static string Reuse(ReadOnlySpan<byte> utf8, string previous)
    {
        Span<byte> buffer = stackalloc byte[MaxCompared];
        return utf8.Length <= buffer.Length
            && Encoding.UTF8.TryGetBytes(previous, buffer, out var written)
            && buffer[..written].SequenceEqual(utf8)
                ? previous
                : Encoding.UTF8.GetString(utf8);
    }
}
