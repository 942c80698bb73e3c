namespace Switchboard.RabbitMQ.Topology;

/// <summary>
/// Routing keys of the delay chain: the delay in milliseconds as <see cref="Levels"/> binary digits, most significant
/// first, one word each (<c>0.0.…1.0.1</c>), then <c>q.{queue}</c> for a send or <c>t.{topic}</c> for a publish. Level
/// <c>k</c> of the chain holds a message for 2^k ms when its digit <c>k</c> is 1 and passes it on at once otherwise, so
/// a message waits exactly its delay (rounded up to the millisecond) and the chain has a fixed size. Topic permissions
/// on the entry exchange can then name the destinations a user may reach: <c>^([01]\.){38}q\.payment$</c>.
/// </summary>
internal static class DelayRoute
{
    /// <summary>Levels of the chain: RabbitMQ caps a queue's message TTL at ten years, and 2^37 ms is about 4.4 years.</summary>
    public const int Levels = 38;

    /// <summary>The word that marks a send to a queue.</summary>
    public const string Queue = "q";

    /// <summary>The word that marks a publish to a topic.</summary>
    public const string Topic = "t";

    /// <summary>The longest delay the chain holds: 2^38 - 1 ms, about 8.7 years.</summary>
    public static TimeSpan MaxDelay { get; } = TimeSpan.FromMilliseconds((1L << Levels) - 1);

    /// <summary>Characters the digits take, with their dots: everything before <c>q.</c> or <c>t.</c>.</summary>
    public const int PrefixLength = 2 * Levels;

    /// <summary>The routing key that carries a message through the chain for <paramref name="delay"/>, then to <paramref name="kind"/>.<paramref name="destination"/>.</summary>
    public static string For(TimeSpan delay, string kind, string destination)
    {
        if (delay > MaxDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"RabbitMQ delays messages by at most {MaxDelay} (2^{Levels} - 1 ms).");
        }

        var ms = (long)Math.Ceiling(Math.Max(1, delay.TotalMilliseconds));
        return string.Create(PrefixLength + kind.Length + 1 + destination.Length, (ms, kind, destination), static (span, state) =>
        {
            for (var level = Levels - 1; level >= 0; level--)
            {
                var at = 2 * (Levels - 1 - level);
                span[at] = ((state.ms >> level) & 1) == 1 ? '1' : '0';
                span[at + 1] = '.';
            }

            state.kind.AsSpan().CopyTo(span[PrefixLength..]);
            span[PrefixLength + state.kind.Length] = '.';
            state.destination.AsSpan().CopyTo(span[(PrefixLength + state.kind.Length + 1)..]);
        });
    }

    /// <summary>The binding key that matches every delay to <paramref name="kind"/>.<paramref name="destination"/>.</summary>
    public static string Any(string kind, string destination) => string.Concat(string.Concat(Enumerable.Repeat("*.", Levels)), kind, ".", destination);

    /// <summary>The binding key of level <paramref name="level"/> for messages whose digit there is <paramref name="digit"/>.</summary>
    public static string Digit(int level, char digit) => string.Concat(string.Concat(Enumerable.Repeat("*.", Levels - 1 - level)), digit.ToString(), ".#");

    /// <summary>Whether <paramref name="routingKey"/> is a chain key ending in <paramref name="kind"/>.<paramref name="destination"/>.</summary>
    public static bool Targets(string routingKey, string kind, string destination)
    {
        var key = routingKey.AsSpan();
        if (key.Length != PrefixLength + kind.Length + 1 + destination.Length)
        {
            return false;
        }

        for (var i = 0; i < PrefixLength; i += 2)
        {
            if (key[i] is not ('0' or '1') || key[i + 1] != '.')
            {
                return false;
            }
        }

        var tail = key[PrefixLength..];
        return tail.StartsWith(kind, StringComparison.Ordinal) && tail[kind.Length] == '.' && tail[(kind.Length + 1)..].SequenceEqual(destination);
    }
}
