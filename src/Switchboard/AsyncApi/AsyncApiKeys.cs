namespace Switchboard.AsyncApi;

/// <summary>
/// The keys of an AsyncAPI document's maps (channels, operations, servers, components) must match
/// <c>^[a-zA-Z0-9\.\-_]+$</c>, and the document refers to them by JSON pointer: names that do not fit (a queue may be
/// called anything) become keys here, distinct from the keys already taken.
/// </summary>
internal sealed class AsyncApiKeys
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/> is a valid key as it is.</summary>
    public static bool IsValid(string? key) =>
        !string.IsNullOrEmpty(key) && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>
    /// A key for <paramref name="name"/> not handed out before: the name with every other character replaced by
    /// <c>_</c>, then <c>-2</c>, <c>-3</c>… while that is taken.
    /// </summary>
    public string Allocate(string name)
    {
        var key = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
        var candidate = key;
        for (var n = 2; !_taken.Add(candidate); n++)
        {
            candidate = $"{key}-{n}";
        }

        return candidate;
    }
}
