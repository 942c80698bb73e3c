using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Switchboard;

/// <summary>
/// What a write produced, for a later read to wait for (read your own writes): the event-store position of the events a
/// command appended, and the ids of the messages it caused (an event forwarded to the bus keeps its event id as its
/// message id). A read of a projection waits until the projection reached <see cref="Position"/>; a read of a model an
/// endpoint keeps waits until that endpoint handled <see cref="MessageIds"/> (<c>Switchboard.Consistency.ReadYourWrites</c>).
/// Its text form (<see cref="ToString"/>, <see cref="TryParse"/>) travels in the <see cref="HeaderName"/> HTTP header.
/// </summary>
public sealed record ConsistencyToken
{
    /// <summary>The HTTP header that carries a token: in the answer to a write, and in a read that wants to see it.</summary>
    public const string HeaderName = "Consistency-Token";

    /// <summary>The most message ids one token carries; a longer text is refused by <see cref="TryParse"/>.</summary>
    public const int MaxMessageIds = 32;

    private const int MaxLength = 8192;

    /// <summary>Creates a token; <paramref name="position"/> null or 0 and no message ids make a token that is always reached.</summary>
    public ConsistencyToken(long? position, IReadOnlyList<string>? messageIds = null)
    {
        if (position is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, "A position is not negative.");
        }

        messageIds ??= [];
        if (messageIds.Count > MaxMessageIds || messageIds.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"A token carries at most {MaxMessageIds} message ids, none of them blank.", nameof(messageIds));
        }

        Position = position is 0 ? null : position;
        MessageIds = messageIds;
    }

    /// <summary>The event-store position the write reached, or null when it appended no event.</summary>
    public long? Position { get; }

    /// <summary>The ids of the messages the write caused.</summary>
    public IReadOnlyList<string> MessageIds { get; }

    /// <summary>This token and <paramref name="other"/> together: the later position, the messages of both.</summary>
    public ConsistencyToken And(ConsistencyToken other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var position = Position is null ? other.Position : other.Position is null ? Position : Math.Max(Position.Value, other.Position.Value);
        return new ConsistencyToken(position, [.. MessageIds.Concat(other.MessageIds).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>The text form: <c>p=1234;m=id1,id2</c> (ids percent-encoded), safe in an HTTP header.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Position is { } position)
        {
            text.Append("p=").Append(position.ToString(CultureInfo.InvariantCulture));
        }

        if (MessageIds.Count > 0)
        {
            text.Append(text.Length > 0 ? ";" : "").Append("m=").AppendJoin(',', MessageIds.Select(Uri.EscapeDataString));
        }

        return text.ToString();
    }

    /// <summary>Reads the text form; false for anything else (a client's header is input like any other).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ConsistencyToken? token)
    {
        token = null;
        if (text is null || text.Length > MaxLength)
        {
            return false;
        }

        long? position = null;
        string[] ids = [];
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("p=", StringComparison.Ordinal) && position is null
                && long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                position = parsed;
            }
            else if (part.StartsWith("m=", StringComparison.Ordinal) && ids.Length == 0)
            {
                ids = [.. part[2..].Split(',').Select(Uri.UnescapeDataString)];
                if (ids.Length > MaxMessageIds || ids.Any(string.IsNullOrWhiteSpace))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        token = new ConsistencyToken(position, ids);
        return true;
    }
}
