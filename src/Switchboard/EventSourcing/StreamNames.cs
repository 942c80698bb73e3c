namespace Switchboard.EventSourcing;

/// <summary>The stream naming convention: <c>{category}-{id}</c>, e.g. <c>order-42</c>.</summary>
public static class StreamNames
{
    /// <summary>The longest stream id a store accepts.</summary>
    public const int MaxLength = 200;

    /// <summary>The stream id of an entity: <c>{category}-{id}</c>.</summary>
    public static string For(string category, string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (category.Contains('-', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A category cannot contain '-': '{category}'.", nameof(category));
        }

        return $"{category}-{id}";
    }

    /// <summary>The part of a stream id before the first <c>-</c>; the whole id when it has none.</summary>
    public static string Category(string streamId)
    {
        var dash = streamId.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? streamId : streamId[..dash];
    }

    /// <summary>Throws when a stream id is empty or too long.</summary>
    public static void Validate(string streamId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        if (streamId.Length > MaxLength)
        {
            throw new ArgumentException($"A stream id is at most {MaxLength} characters.", nameof(streamId));
        }
    }
}
