namespace Switchboard.PostgreSql;

/// <summary>Identifiers in SQL text.</summary>
internal static class PostgreSqlNames
{
    /// <summary>A quoted identifier: <c>"name"</c>, embedded quotes doubled; case is kept.</summary>
    public static string Quote(string identifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (identifier.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A PostgreSQL identifier cannot contain a NUL character.", nameof(identifier));
        }

        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
